"""`python -m assistant.bench load`: a service centre on one machine — PostgreSQL + a `chroma run` server + N app
instances — under M clerks at once, with a trainer adding a document mid-run and an optional slow/hanging/inventing LLM.

What runs, all real processes on loopback ports: PostgreSQL (``bench.servers``), the chroma server, N Streamlit app
instances (``app.py``) and N engine processes. Clerks: a few (``--browsers``) are real chromium sessions signed in to
the Streamlit instances, timed from pressing Enter to the suggestion on screen; the rest call ``ReplyEngine.suggest`` —
the entry the page calls — inside the N engine processes, each configured exactly like an app instance (same servers,
its own data folder), timed around that call. A clerk asks a question from the shipped FAQ's paraphrases, reads the
suggestion, then pauses (exponential, mean ``--think`` seconds, seeded) before the next one: a window clerk does not fire
questions back to back. Each level runs ``--seconds``; M = 1 is the single-user baseline of the same run.

During the M = 20 level a trainer adds a document through its own KnowledgeBase (as the 文档管理 page does); every engine
process and every Streamlit instance is then asked about it until it answers from it. The lexical index refreshes on the
next query after the version stamp moves (no timer), so "within the refresh interval" means the first query after the
trainer's write returned.

The LLM phase starts the engine processes again with ``LLM_BASE_URL`` at a fake OpenAI-compatible endpoint on
127.0.0.1 (the network edge) that is slow, hangs, or answers with an invented policy, and runs M = 20 engine clerks.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from assistant.bench.common import percentiles, print_table
from assistant.config import PROJECT_ROOT, Settings, get_settings

NEW_DOC = ("犬只登记办法.txt", "关于养犬登记的办法\n第一条 在本市城区饲养犬只的，应当在取得犬只后三十日内到居住地派出所办理养犬登记。\n"
           "第二条 办理养犬登记应当提交犬只免疫证明、养犬人身份证件和犬只近期照片，登记费每只五十元。\n")
NEEDLE_Q, NEEDLE = "养犬登记要带什么材料？去哪里办？", "养犬"
INVENTED = "工本费二百元"
STAFF = ("clerk1", "clerk-pass-1")
TRAINER = ("trainer1", "trainer-pass-1")


def questions() -> list[str]:
    """The shipped FAQ's paraphrases (what citizens say), not its standard questions."""
    out = []
    with open(PROJECT_ROOT / "knowledge" / "faq" / "常见问题示例.csv", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            out += [q.strip() for q in row["相似问法"].splitlines() if q.strip()]
    return out


def rss_mb(pid: int, children: bool = True) -> float:
    """Resident memory of a process (and its children: a Streamlit instance is one process)."""
    pids = [pid]
    if children:
        try:
            pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            pass
    total = 0.0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


# ---- the engine process ------------------------------------------------------------------------------------------
def _clerk(engine, qs: list[str], rng: random.Random, until: float, think: float, forbid: str, out: dict,
           lock: threading.Lock) -> None:
    while time.monotonic() < until:
        q = rng.choice(qs)
        t0 = time.perf_counter()
        try:
            _, s = engine.suggest(q)
            ms = (time.perf_counter() - t0) * 1000
            text = " ".join([s.observation, s.feeling, s.need, s.request, *s.variants.values()])
            with lock:
                out["ms"].append(ms)
                out["backends"][s.backend] = out["backends"].get(s.backend, 0) + 1
                out["forbidden"] += bool(forbid) and forbid in text
        except Exception as exc:  # noqa: BLE001 - counted as the clerk would see it: no suggestion
            with lock:
                out["errors"].append(f"{type(exc).__name__}: {exc}"[:200])
        time.sleep(rng.expovariate(1 / think) if think > 0 else 0)


def _probe(engine, start_version: int, until: float, out: dict) -> None:
    """After the trainer's write moves the stamp: ask about the new document until this instance answers from it."""
    while time.monotonic() < until and engine.kb.version() == start_version:
        time.sleep(0.1)
    while time.monotonic() < until:
        result, s = engine.suggest(NEEDLE_Q)
        if any(NEEDLE in (h.title + h.text) for h in result.hits) and any(NEEDLE in c.label for c in s.citations):
            out["found_at"] = time.time()
            return
        time.sleep(0.1)


def run_clerks(engine, cmd: dict) -> dict:
    qs, out, lock = questions(), {"ms": [], "errors": [], "backends": {}, "forbidden": 0}, threading.Lock()
    until = time.monotonic() + cmd["seconds"]
    threads = [threading.Thread(target=_clerk, args=(engine, qs, random.Random(cmd["seed"] * 1000 + i), until,
                                                     cmd["think"], cmd.get("forbid", ""), out, lock))
               for i in range(cmd["clerks"])]
    if cmd.get("probe"):
        threads.append(threading.Thread(target=_probe, args=(engine, cmd["version"], until + 60, out)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def worker() -> int:
    from assistant.replies.engine import ReplyEngine

    engine = ReplyEngine(get_settings())
    engine.warm()
    print(json.dumps({"ready": True, "version": engine.kb.version()}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "run":
            reply = run_clerks(engine, cmd)
        else:
            reply = {"version": engine.kb.version()}
        print(json.dumps(reply, ensure_ascii=False), flush=True)
    return 0


class EngineProcess:
    def __init__(self, env: dict):
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant.bench.load", "--worker"], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
                                     cwd=PROJECT_ROOT)

    def call(self, cmd: dict) -> None:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()

    def reply(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("engine process died")
        return json.loads(line)

    def stop(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# ---- Streamlit instances and browser clerks ----------------------------------------------------------------------
def start_streamlit(env: dict, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"], cwd=PROJECT_ROOT, env=env, stdout=open(log, "w"),
        stderr=subprocess.STDOUT)


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited")
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not start")


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class BrowserClerk(threading.Thread):
    """One real chromium session on one instance: signs in, then asks until told to stop (own playwright per thread:
    the sync API is not shared across threads)."""

    def __init__(self, url: str, seed: int, think: float):
        super().__init__(daemon=True)
        self.url, self.rng, self.think = url, random.Random(seed), think
        self.ready, self.go, self.stop_at = threading.Event(), threading.Event(), 0.0
        self.ms: list[float] = []
        self.errors: list[str] = []
        self.probe_found: float | None = None
        self.probe_after: threading.Event | None = None

    def run(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
                page.set_default_timeout(240_000)   # the first session of an instance waits for its warm-up
                page.goto(self.url)
                page.get_by_label("用户名").fill(STAFF[0])
                page.get_by_label("密码").fill(STAFF[1])
                page.get_by_role("button", name="登录").click()
                page.get_by_test_id("stChatInputTextArea").wait_for()
                self.ready.set()
                self.go.wait()
                if self.probe_after is not None:   # a probe only asks about the trainer's new document
                    self._probe(page)
                    self.stop_at = 0
                qs = questions()
                while time.monotonic() < self.stop_at:
                    t0 = time.perf_counter()
                    try:
                        ask(page, self.rng.choice(qs))
                        self.ms.append((time.perf_counter() - t0) * 1000)
                    except Exception as exc:  # noqa: BLE001 - a question the clerk got no answer to
                        self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                    if self.think > 0:
                        time.sleep(self.rng.expovariate(1 / self.think))
                browser.close()
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            self.ready.set()

    def _probe(self, page) -> None:
        self.probe_after.wait()
        while time.monotonic() < self.stop_at + 60:
            ask(page, NEEDLE_Q)
            if NEEDLE in page.get_by_test_id("stChatMessage").last.inner_text():
                self.probe_found = time.time()
                return
            time.sleep(0.2)


def ask(page, text: str) -> None:
    before = page.get_by_test_id("stChatMessage").count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('[data-testid=stChatMessage]').length >= {before + 2}")
    page.get_by_text("用时").last.wait_for()


# ---- the bench ---------------------------------------------------------------------------------------------------
def _env(base: dict, settings: Settings, data_dir: Path, **extra: str) -> dict:
    return dict(base, ASSISTANT_DATA_DIR=str(data_dir), DATABASE_URL=settings.database_url,
                CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(settings.chroma_port), HF_HUB_OFFLINE="1",
                TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False", PYTHONIOENCODING="utf-8", **extra)


def split(n: int, parts: int) -> list[int]:
    return [n // parts + (i < n % parts) for i in range(parts)]


def level(workers: list[EngineProcess], urls: list[str], m: int, args, seed: int, trainer=None) -> dict:
    browsers = 0 if m == 1 or not urls else min(args.browsers, m - 1)
    clerks = [BrowserClerk(urls[i % len(urls)], seed * 100 + i, args.think) for i in range(browsers)]
    probes = [BrowserClerk(u, seed * 100 + 50 + i, 0) for i, u in enumerate(urls)] if trainer and urls else []
    for c in clerks + probes:
        c.start()
    for c in clerks + probes:
        c.ready.wait(180)
    from assistant.store import db

    stamp = db.kb_version(db.get_engine(trainer.settings.database_url)) if trainer else 0
    stop_at = time.monotonic() + args.seconds
    for w, k in zip(workers, split(m - browsers, len(workers))):
        w.call({"op": "run", "clerks": k, "seconds": args.seconds, "think": args.think if m > 1 else args.base_think,
                "seed": seed, "probe": trainer is not None, "version": stamp})
    ingest = threading.Event()
    for c in clerks + probes:
        c.stop_at = stop_at
        if c in probes:
            c.probe_after, c.stop_at = ingest, stop_at
        c.go.set()
    committed = None
    if trainer is not None:
        time.sleep(args.seconds / 3)
        committed = trainer.ingest()
        ingest.set()
    replies = [w.reply() for w in workers]
    for c in clerks + probes:
        c.join(120)
    ms = [x for r in replies for x in r["ms"]]
    bms = [x for c in clerks for x in c.ms]
    errors = [e for r in replies for e in r["errors"]] + [e for c in clerks for e in c.errors]
    return {"m": m, "browsers": browsers, "ms": ms, "bms": bms, "errors": errors, "replies": replies,
            "committed": committed, "probes": probes}


class Trainer:
    def __init__(self, settings: Settings, folder: Path):
        self.settings, self.folder = settings, folder

    def ingest(self) -> float:
        from assistant.ingest import add_paths
        from assistant.store.kb import KnowledgeBase

        path = self.folder / NEW_DOC[0]
        path.write_text(NEW_DOC[1], encoding="utf-8")
        out = add_paths(KnowledgeBase(self.settings), [path], user=TRAINER[0]).outcomes[0]
        if out.outcome != "added":
            raise RuntimeError(f"trainer's add: {out.outcome} {out.message}")
        return time.time()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        return worker()
    ap = argparse.ArgumentParser(prog="python -m assistant.bench load", description=__doc__.splitlines()[0])
    ap.add_argument("--instances", type=int, default=2, help="app instances (each: a Streamlit + an engine process)")
    ap.add_argument("--levels", default="1,5,20,50", help="clerks at once, comma-separated (1 = the baseline)")
    ap.add_argument("--seconds", type=float, default=40, help="length of each level")
    ap.add_argument("--think", type=float, default=5.0, help="mean pause between a clerk's questions (s)")
    ap.add_argument("--base-think", type=float, default=0.5, help="the single user's pause (more samples)")
    ap.add_argument("--browsers", type=int, default=2, help="clerks that are real browser sessions (M > 1)")
    ap.add_argument("--trainer-level", type=int, default=20)
    ap.add_argument("--llm-seconds", type=float, default=30, help="length of each LLM phase (0: skip)")
    ap.add_argument("--llm-deadline", type=float, default=3.0)
    ap.add_argument("--only-llm", action="store_true", help="skip the levels and browsers: only the LLM phase")
    args = ap.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    if max(levels) > 200 or args.seconds > 600 or args.instances > 8:
        ap.error("限额：最多 200 位同时提问、每档 600 秒、8 个实例")
    if args.browsers and not Path("/usr/bin/chromium").exists():
        print("没有 /usr/bin/chromium：浏览器会话跳过（apt-get install -y chromium fonts-wqy-microhei）。")
        args.browsers = 0
    from assistant.bench.servers import ChromaServer, PostgresServer, free_port
    from assistant.firstrun import load_shipped
    from assistant.store import db
    from assistant.users import add_account

    root = Path(tempfile.mkdtemp(prefix="bench-load-"))
    # vectors derived from the labelled sentences (risk exemplars): built once here, shared by every process, as
    # each instance of a deployment builds them once at its first start (minutes on 2 cores) and keeps them
    cache = PROJECT_ROOT / ".bench-cache" / "derived"
    base_env = dict(os.environ, ASSISTANT_CACHE_DIR=str(cache))
    procs: list[subprocess.Popen] = []
    workers: list[EngineProcess] = []
    try:
        with PostgresServer(durable=True) as pg, ChromaServer(root / "chroma") as chroma:
            settings = Settings(data_dir=root / "trainer", knowledge_dir=PROJECT_ROOT / "knowledge",
                                database_url=pg.create_database("assistant"), chroma_host="127.0.0.1",
                                chroma_port=chroma.port, cache_dir=cache)
            t0 = time.perf_counter()
            if load_shipped(settings, quiet=True) != 0:
                print("示例知识加载失败。")
                return 1
            from assistant.replies.engine import ReplyEngine

            ReplyEngine(settings).warm()   # builds the derived vectors before the instances start
            engine = db.get_engine(settings.database_url)
            add_account(engine, *STAFF, "staff", "窗口一号")
            add_account(engine, *TRAINER, "trainer", "培训老师")
            print(f"PostgreSQL {pg.bin}，chroma 服务器 :{chroma.port}；示例知识入库 {time.perf_counter() - t0:.0f} s")
            urls = []
            if args.browsers and not args.only_llm:
                for i in range(args.instances):
                    port = free_port()
                    env = _env(base_env, settings, root / f"app{i}")
                    procs.append(start_streamlit(env, port, root / f"streamlit{i}.log"))
                    urls.append(f"http://127.0.0.1:{port}")
            workers = [EngineProcess(_env(base_env, settings, root / f"engine{i}"))
                       for i in range(0 if args.only_llm else args.instances)]
            for w in workers:
                w.reply()
            for url, proc in zip(urls, procs):
                wait_http(url, proc)
            results = []
            if args.only_llm:
                llm_phase(settings, root, base_env, args)
                return 0
            if urls:   # the browser's own single-user baseline (page rerun + rendering on top of the engine)
                solo = BrowserClerk(urls[0], 7, args.base_think)
                solo.start()
                solo.ready.wait(180)
                solo.stop_at = time.monotonic() + args.seconds
                solo.go.set()
                solo.join(args.seconds + 180)
            for n, m in enumerate(levels):
                trainer = Trainer(settings, root) if m == args.trainer_level else None
                results.append(level(workers, urls, m, args, seed=n + 1, trainer=trainer))
            mem = [("Streamlit 实例 " + str(i), rss_mb(p.pid)) for i, p in enumerate(procs)]
            mem += [("引擎进程 " + str(i), rss_mb(w.proc.pid)) for i, w in enumerate(workers)]
            report(results, solo if urls else None, mem, args)
            for w in workers:
                w.stop()
            workers = []
            if args.llm_seconds > 0:
                llm_phase(settings, root, base_env, args)
    finally:
        for w in workers:
            w.stop()
        for p in procs:
            p.terminate()
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(root, ignore_errors=True)
    return 0


def report(results: list[dict], solo, mem: list[tuple[str, float]], args) -> None:
    base = results[0]
    base_p95 = percentiles(base["ms"])[1] if base["m"] == 1 else float("nan")
    solo_p95 = percentiles(solo.ms)[1] if solo is not None and solo.ms else float("nan")
    rows = []
    for r in results:
        p50, p95 = percentiles(r["ms"])
        b50, b95 = percentiles(r["bms"]) if r["bms"] else (float("nan"), float("nan"))
        rows.append([r["m"], r["m"] - r["browsers"], len(r["ms"]), f"{p50:.0f}", f"{p95:.0f}",
                     f"{p95 / base_p95:.2f}", r["browsers"], len(r["bms"]),
                     f"{b50:.0f}" if r["bms"] else "-", f"{b95:.0f}" if r["bms"] else "-",
                     f"{b95 / solo_p95:.2f}" if r["bms"] else "-", len(r["errors"])])
    print_table(f"建议用时（ms）：{args.instances} 个实例，每档 {args.seconds:g} 秒，提问间隔均值 {args.think:g} 秒"
                f"（单人基线 {args.base_think:g} 秒）；同次运行的单人基线：引擎 p95 {base_p95:.0f} ms，浏览器 p95 {solo_p95:.0f} ms"
                f"（{len(solo.ms) if solo else 0} 问）",
                ["M 位同时", "引擎调用", "问数", "p50", "p95", "p95/单人", "浏览器", "问数", "浏览器 p50", "浏览器 p95",
                 "浏览器 p95/单人", "错误"], rows)
    for r in results:
        for e in r["errors"][:3]:
            print(f"  M={r['m']} 错误：{e}")
    print_table("每个实例的内存（运行后 RSS）", ["进程", "MB"], [(n, f"{v:.0f}") for n, v in mem])
    for r in results:
        if r["committed"] is None:
            continue
        rows = []
        for i, rep in enumerate(r["replies"]):
            found = rep.get("found_at")
            rows.append([f"引擎进程 {i}", "是" if found else "否",
                         f"{max(0.0, found - r['committed']):.2f}" if found else "-"])
        for i, p in enumerate(r["probes"]):
            rows.append([f"Streamlit 实例 {i}（浏览器）", "是" if p.probe_found else "否",
                         f"{max(0.0, p.probe_found - r['committed']):.2f}" if p.probe_found else "-"])
        print_table(f"M={r['m']} 时培训人员新增《{NEW_DOC[0]}》：各实例何时答得出（秒，从新增完成算起；期间错误 "
                    f"{len(r['errors'])} 个）", ["实例", "找到", "秒"], rows)


def llm_phase(settings: Settings, root: Path, base_env: dict, args) -> None:
    from assistant.bench.fake_endpoint import GROUNDED, FakeEndpoint

    fake = FakeEndpoint("ok")
    invented = dict(GROUNDED, 请求=f"按规定办理需缴纳{INVENTED}，三个工作日内可以领取。")
    rows = []
    try:
        # a short breaker cool-down, waited out between behaviours: each one starts with the breaker closed
        workers = [EngineProcess(_env(base_env, settings, root / f"llm{i}", LLM_BASE_URL=fake.url, LLM_MODEL="m",
                                      LLM_DEADLINE_S=str(args.llm_deadline), LLM_BREAKER_COOLDOWN_S="5"))
                   for i in range(args.instances)]
        for w in workers:
            w.reply()
        for mode, label in (("slow_body", "慢：先回表头、10 秒后才回正文"), ("hang", "挂起：接受连接但不答复"),
                            ("ok", "编造政策：答得快，但写了原文没有的收费")):
            time.sleep(6)
            fake.mode = mode
            fake.content = json.dumps(invented if mode == "ok" else GROUNDED, ensure_ascii=False)
            before = len(fake.requests)
            for w, k in zip(workers, split(20, len(workers))):
                w.call({"op": "run", "clerks": k, "seconds": args.llm_seconds, "think": args.think, "seed": 99,
                        "forbid": INVENTED})
            replies = [w.reply() for w in workers]
            ms = [x for r in replies for x in r["ms"]]
            p50, p95 = percentiles(ms)
            backends: dict[str, int] = {}
            for r in replies:
                for k, v in r["backends"].items():
                    backends[k] = backends.get(k, 0) + v
            late = sum(1 for x in ms if x > (args.llm_deadline + 1) * 1000)
            rows.append([label, len(ms), f"{p50:.0f}", f"{p95:.0f}", f"{max(ms):.0f}", late,
                         " ".join(f"{k}:{v}" for k, v in sorted(backends.items())), len(fake.requests) - before,
                         sum(r["forbidden"] for r in replies), sum(len(r["errors"]) for r in replies)])
        for w in workers:
            w.stop()
    finally:
        fake.stop()
    print_table(f"大模型服务不正常时，20 位同时提问（总时限 {args.llm_deadline:g} 秒；上限 = 时限 + 1 秒）",
                ["服务行为", "问数", "p50 ms", "p95 ms", "最长 ms", "超过上限", "答复来源", "打到服务的请求",
                 "含编造内容的建议", "错误"], rows)


if __name__ == "__main__":
    raise SystemExit(main())
