"""A bad OpenAI-compatible endpoint on 127.0.0.1 for the LLM tests and `bench hostile`: it hangs, trickles, errors,
answers garbage or closes, as ``mode`` says ("ok" answers ``content``). The fake sits at the network edge only."""
from __future__ import annotations

import json
import socketserver
import threading
import time

GROUNDED = {"观察": "您说已经等了一段时间，想知道居住证多久能办好。", "感受": "您有些着急。",
            "需要": "您希望心里有个准信。", "请求": "按细则规定，受理机关应当自受理之日起十五个工作日内制作发放居住证。我帮您查一下受理日期。",
            "引用": [1]}


def completion(content: str) -> bytes:
    payload = {"id": "chatcmpl-x", "object": "chat.completion", "created": 1700000000, "model": "m",
               "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
               "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
            + b"\r\nConnection: close\r\n\r\n" + body)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        srv = self.server
        self.request.settimeout(30)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                data += self.request.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(next((ln.split(b":")[1] for ln in head.split(b"\r\n") if ln.lower().startswith(b"content-length")), b"0"))
            while len(body) < length:
                body += self.request.recv(65536)
        except OSError:
            return
        srv.requests.append(body.decode("utf-8", "replace"))
        mode = srv.mode
        try:
            if mode == "hang":                       # accepts, never answers
                srv.release.wait(20)
            elif mode == "trickle":                  # one byte at a time, each well inside the read timeout
                for byte in completion(srv.content):
                    if srv.release.is_set():
                        return
                    self.request.sendall(bytes([byte]))
                    time.sleep(0.3)
            elif mode == "slow_body":                # headers at once, the body much later
                reply = completion(srv.content)
                cut = reply.index(b"\r\n\r\n") + 4
                self.request.sendall(reply[:cut])
                srv.release.wait(10)
                self.request.sendall(reply[cut:])
            elif mode == "error":
                self.request.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
            elif mode == "garbage":
                self.request.sendall(b"\x00\xff not http at all \r\n\r\n")
            elif mode == "close":
                return
            else:                                    # "ok"
                self.request.sendall(completion(srv.content))
        except OSError:
            return


class FakeEndpoint(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode: str = "ok"):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = mode
        self.content = json.dumps(GROUNDED, ensure_ascii=False)
        self.requests: list[str] = []
        self.release = threading.Event()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def stop(self):
        self.release.set()
        self.shutdown()
        self.server_close()
