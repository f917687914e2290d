"""`python -m assistant.bench hostile`: what hostile input costs at the default limits.

Ingestion: each file is added by a fresh process (``add_paths``, as `ingest.py add` does) into its own empty data
folder; the table gives the outcome, the seconds and that process's peak RSS (from ``wait4``), next to the same
run's baselines — a process that only imports the ingestion code, and one that adds a normal policy DOCX (which loads
the embedding model). LLM: one suggestion per fake endpoint behaviour at the default deadline, against a healthy
endpoint measured in the same run, and the same hanging endpoint with only the per-read timeout (the old behaviour).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

from assistant.bench.common import print_table
from assistant.config import Settings

CHILD = r"""
import json, sys, time
from pathlib import Path
from assistant.config import Settings
started = time.perf_counter()
from assistant.ingest import add_paths
from assistant.store.kb import KnowledgeBase
if sys.argv[2] == "--import-only":
    print(json.dumps({"outcome": "-", "message": "", "seconds": time.perf_counter() - started})); raise SystemExit
kb = KnowledgeBase(Settings(data_dir=Path(sys.argv[1])))
o = add_paths(kb, [Path(sys.argv[2])], user="bench").outcomes[0]
print(json.dumps({"outcome": o.outcome, "message": o.message[:90], "seconds": time.perf_counter() - started}))
"""


def _run_child(data: Path, target: str, timeout: float) -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data), target], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, cwd=Path(__file__).resolve().parents[2])
    started = time.monotonic()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > timeout:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return {"outcome": "timeout", "message": f"killed after {timeout:g} s", "seconds": timeout,
                    "rss_mb": usage.ru_maxrss / 1024}
        time.sleep(0.05)
    out = proc.stdout.read().decode("utf-8", "replace").strip().splitlines()
    row = json.loads(out[-1]) if out else {"outcome": "crash", "message": f"exit {status}", "seconds": 0}
    row["rss_mb"] = usage.ru_maxrss / 1024
    row["wall"] = time.monotonic() - started
    return row


def _docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    doc = docx.Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(path)
    return path


def docx_bomb(path: Path, inflated_mb: int) -> Path:
    """A DOCX whose document.xml unzips to ``inflated_mb`` MB of repeated paragraphs (the issue's 745 KB file)."""
    _docx(path, ["关于居住证办理的通知"])
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    head, _, tail = parts["word/document.xml"].decode("utf-8").partition("<w:body>")
    para = ("<w:p><w:r><w:t>" + "申领居住证应当提交材料。" * 40 + "</w:t></w:r></w:p>") * 200
    block = para.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in parts.items():
            if name != "word/document.xml":
                out.writestr(name, data)
        with out.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write((head + "<w:body>").encode("utf-8"))
            for _ in range(inflated_mb * 1024 * 1024 // len(block) + 1):
                fh.write(block)
            fh.write(("<w:p/></w:body>" + tail.split("</w:body>", 1)[-1]).encode("utf-8"))
    return path


def member_flood(path: Path, members: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for i in range(members):
            zf.writestr(f"word/m{i}.xml", b"")
    return path


def many_pages(path: Path, pages: int) -> Path:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=200, height=200)
    with path.open("wb") as fh:
        w.write(fh)
    return path


def hostile_files(folder: Path, text_mb: int, bomb_mb: int) -> list[tuple[str, Path]]:
    line = "第一条 申请人应当提交身份证和居住地住址证明，受理机关应当在十五个工作日内办结。\n".encode("utf-8")
    big = folder / "大文本.txt"
    with big.open("wb") as fh:
        for _ in range(text_mb * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    nested = folder / "深层网页.html"
    nested.write_text("<html><body>" + "<div>" * 10_000 + "通知正文" + "</div>" * 10_000 + "</body></html>",
                      encoding="utf-8")
    link = folder / "x.txt"
    link.symlink_to("/etc/passwd")
    return [(f"DOCX 解压炸弹（解压后 {bomb_mb} MB）", docx_bomb(folder / "炸弹.docx", bomb_mb)),
            (f"{text_mb} MB 纯文本", big),
            ("PDF 1500 页", many_pages(folder / "千页.pdf", 1500)),
            ("DOCX 内 100,000 个部件", member_flood(folder / "部件.docx", 100_000)),
            ("10,000 层嵌套网页", nested),
            ("指向 /etc/passwd 的符号链接", link)]


def ingest_table(text_mb: int, bomb_mb: int, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        normal = _docx(root / "in" / "正常政策.docx",
                       [f"第{i}条 申请人办理第{i}项业务时，应当提交本人身份证件和申请表，窗口在十个工作日内办结。"
                        for i in range(1, 60)])
        rows = []
        base_import = _run_child(root / "d0", "--import-only", timeout)
        rows.append(["基线：只导入入库代码", "-", f"{base_import['wall']:.2f}", f"{base_import['rss_mb']:.0f}", "-", ""])
        base = _run_child(root / "d1", str(normal), timeout)
        rows.append(["基线：正常政策 DOCX（加载嵌入模型）", base["outcome"], f"{base['wall']:.2f}",
                     f"{base['rss_mb']:.0f}", "1.00", ""])
        for i, (label, path) in enumerate(hostile_files(root / "in", text_mb, bomb_mb)):
            size = path.lstat().st_size
            r = _run_child(root / f"h{i}", str(path), timeout)
            rows.append([f"{label}（文件 {size / 1024 / 1024:.2f} MB）", r["outcome"], f"{r['wall']:.2f}",
                         f"{r['rss_mb']:.0f}", f"{r['rss_mb'] / base['rss_mb']:.2f}", r["message"]])
        print_table("入库：每个文件一个新进程（默认限额）", ["文件", "结果", "秒", "峰值内存 MB", "内存/正常文件", "提示"], rows)


def llm_table(deadline: float) -> None:
    from assistant.replies.llm import LLMComposer, compose_with_fallback
    from assistant.replies.model import Emotion, Triage
    from assistant.retrieval.model import Hit, RetrievalResult
    from assistant.bench.fake_endpoint import FakeEndpoint

    passage = ("第八条 申请办理居住证，应当提交本人居民身份证原件和居住地住址证明。"
               "受理机关应当自受理之日起十五个工作日内制作发放居住证。")
    text = "我等了好久了，居住证办好要多久？"
    hit = Hit(chunk_id="d:1", doc_id="d", title="居住证实施细则（示例）", text=passage, score=0.9, clause="第八条")
    result = RetrievalResult(query=text, search_query=text, hits=[hit], confidence=0.8)
    tri = Triage(emotion=Emotion("anxiety", 0.5, "焦虑"), intent="进度查询")
    rows = []

    def once(mode: str, settings: Settings, llm: LLMComposer | None = None) -> tuple[float, str]:
        server = FakeEndpoint(mode)
        try:
            llm = llm or LLMComposer(replace(settings, llm_base_url=server.url))
            started = time.perf_counter()
            s = compose_with_fallback(text, tri, result, llm)
            return time.perf_counter() - started, s.backend
        finally:
            server.stop()

    fresh = Settings(llm_deadline_s=deadline, llm_timeout_s=8.0)
    once("ok", fresh)                      # warm-up: the first call imports the HTTP client
    ok_s, ok_backend = once("ok", fresh)
    rows.append(["基线：正常的服务", f"{ok_s:.2f}", ok_backend, "1.0"])
    for mode, label in (("hang", "接受连接但不答复"), ("trickle", "每 0.3 秒一个字节"), ("slow_body", "先回表头、10 秒后才回正文"),
                        ("error", "HTTP 500"), ("garbage", "不是 HTTP 的乱码")):
        took, backend = once(mode, fresh)
        rows.append([label, f"{took:.2f}", backend, f"{took / ok_s:.1f}"])
    old = Settings(llm_deadline_s=60.0, llm_timeout_s=8.0)
    took, backend = once("hang", old)
    rows.append(["接受连接但不答复，只有每次读取超时 8 秒（旧行为）", f"{took:.2f}", backend, f"{took / ok_s:.1f}"])
    server = FakeEndpoint("hang")
    try:
        llm = LLMComposer(Settings(llm_base_url=server.url, llm_deadline_s=deadline))
        times = []
        for _ in range(8):
            started = time.perf_counter()
            compose_with_fallback(text, tri, result, llm)
            times.append(time.perf_counter() - started)
    finally:
        server.stop()
    rows.append(["断路器：连续 8 问同一个不答复的服务（前 3 问各等到时限）", f"{sum(times[:3]):.2f} / {sum(times[3:]):.3f}",
                 "template", "后 5 问合计"])
    print_table(f"大模型：每个建议的用时（总时限 {deadline:g} 秒）", ["服务行为", "秒", "答复来源", "相对正常服务"], rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m assistant.bench hostile", description=__doc__.splitlines()[0])
    p.add_argument("--text-mb", type=int, default=50, help="size of the flood text file")
    p.add_argument("--bomb-mb", type=int, default=300, help="unzipped size of the DOCX bomb")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds before a child process is killed")
    p.add_argument("--skip-llm", action="store_true")
    args = p.parse_args(argv)
    ingest_table(args.text_mb, args.bomb_mb, args.timeout)
    if not args.skip_llm:
        llm_table(Settings().llm_deadline_s)
    return 0
