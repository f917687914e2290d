"""Calls to the LLM endpoint: a total deadline per call and a circuit breaker.

The HTTP client's timeout bounds each socket read, not the call: a server that trickles one byte every few seconds
held one suggestion for a minute, and one that accepts and never answers cost the full timeout on every question.
So each call runs in a worker thread and the caller waits at most ``deadline_s``; a call still running then is
abandoned (its thread ends when the client's own timeout fires) and counts as a failure. After ``failures`` failed
calls in a row the breaker opens: for ``cooldown_s`` no call is made at all (the template answers at once, and the
page says so); then one trial call decides whether it closes again.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

MAX_IN_FLIGHT = 4   # abandoned calls still running; past this a new call is refused instead of adding a thread


class DeadlineExceeded(TimeoutError):
    """The endpoint did not answer within the total deadline."""


class BreakerOpen(RuntimeError):
    """The breaker is open: the endpoint is not called until the cool-down ends."""


def call_with_deadline(fn: Callable[[], Any], deadline_s: float) -> Any:
    """``fn()``'s result, or DeadlineExceeded once ``deadline_s`` has passed (whatever ``fn`` is doing)."""
    if _in_flight() >= MAX_IN_FLIGHT:
        raise DeadlineExceeded(f"{MAX_IN_FLIGHT} earlier calls to the endpoint are still hanging")
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller as is
            box["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=run, name="llm-call", daemon=True)   # daemon: never holds up shutdown
    worker.start()
    if not done.wait(deadline_s):
        raise DeadlineExceeded(f"no complete answer within {deadline_s:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _in_flight() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "llm-call" and t.is_alive())


@dataclass
class CircuitBreaker:
    failures: int = 3
    cooldown_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    consecutive: int = 0
    open_until: float = 0.0
    last_failure: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def is_open(self) -> bool:
        return self.clock() < self.open_until

    def before_call(self) -> None:
        with self._lock:
            if self.is_open():
                raise BreakerOpen(f"endpoint paused for {self.open_until - self.clock():.0f} s more")

    def success(self) -> None:
        with self._lock:
            self.consecutive, self.open_until, self.last_failure = 0, 0.0, ""

    def failure(self, reason: str) -> None:
        with self._lock:
            self.consecutive += 1
            self.last_failure = reason[:200]
            if self.consecutive >= self.failures:
                self.open_until = self.clock() + self.cooldown_s

    def seconds_left(self) -> float:
        return max(0.0, self.open_until - self.clock())
