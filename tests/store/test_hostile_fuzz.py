"""Property-based fuzzing beside the lifecycle machine: generated hostile files (truncated, bombs, wrong extensions,
deep nesting, huge lines, odd encodings, symlinks, special files, odd names) through `ingest.py add` (add_paths, as
the CLI calls it) and the page's upload action, into a knowledge base that already holds a document.

Invariants after every batch: each file has its own outcome, a refusal is a Chinese sentence saying what to do, the
document already there is whole and retrievable, the registry and the store agree, nothing outside the added folder
was read, and the process's peak memory stayed within 500 MB of where it started. The limits are set low here so
that bombs and floods stay small enough to generate quickly; `python -m assistant.bench hostile` measures the
default limits with full-size files.
"""
from __future__ import annotations

import io
import os
import resource
import shutil
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from assistant.config import Settings
from assistant.ingest import add_paths
from assistant.store.kb import KnowledgeBase
from assistant.users import add_account

from conftest import REPO

SEED = ("居住证须知.txt", "居住证办理须知\n第一条 申领居住证应当在居住地居住满半年。\n第二条 申领时提交本人居民身份证。\n")
SECRET = "外部机密壬癸子丑寅卯"
BODY = "关于社会保障卡补办的通知\n第一条 社会保障卡遗失的，可以到社保经办窗口申请补办。\n第二条 补办时提交本人身份证件。\n"
LIMITS = dict(max_file_mb=1.0, max_text_file_mb=0.25, max_inflated_mb=2.0, max_zip_entries=200, max_pages=5,
              max_chars=20_000, max_chunks=40)


def _docx(text: str) -> bytes:
    import docx

    doc = docx.Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=100, height=100)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["问题", "答案"])
    book.active.append(["社保卡丢了怎么办？", "=HYPERLINK(\"http://x\",\"点\")"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _bomb(mb: float, members: int = 1) -> bytes:
    """A DOCX-looking zip whose members unzip to ``mb`` MB in all."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for i in range(members):
            zf.writestr(f"word/part{i}.xml", b"<w:p>" + b"a" * int(mb * 1024 * 1024 / members) + b"</w:p>")
    return buf.getvalue()


VALID = {".docx": lambda: _docx(BODY), ".pdf": lambda: _pdf(1), ".xlsx": _xlsx, ".txt": lambda: BODY.encode("utf-8"),
         ".html": lambda: f"<html><body><p>{BODY}</p></body></html>".encode("utf-8")}

# (kind, name suffix, bytes) ; kinds "symlink_out", "symlink_dev", "fifo" are made on disk, not written
hostile = st.one_of(
    st.tuples(st.just("truncated"), st.sampled_from(sorted(VALID)), st.floats(0.0, 0.95)).map(
        lambda t: ("truncated", t[1], VALID[t[1]]()[:int(len(VALID[t[1]]()) * t[2])])),
    st.tuples(st.just("bomb"), st.sampled_from([".docx", ".xlsx"]), st.floats(2.5, 8.0)).map(
        lambda t: ("bomb", t[1], _bomb(t[2]))),
    st.sampled_from([".docx", ".xlsx"]).map(lambda s: ("many_members", s, _bomb(0.01, 300))),
    st.tuples(st.sampled_from(sorted(VALID)), st.sampled_from(sorted(VALID))).filter(lambda t: t[0] != t[1]).map(
        lambda t: ("wrong_extension", t[1], VALID[t[0]]())),
    st.integers(100, 3000).map(lambda n: ("deep_nesting", ".html",
                                          ("<html><body>" + "<div>" * n + BODY + "</div>" * n + "</body></html>").encode())),
    st.integers(5_000, 40_000).map(lambda n: ("huge_line", ".txt", ("办理" * n).encode("utf-8"))),
    st.integers(300_000, 400_000).map(lambda n: ("flood", ".txt", b"x" * n)),
    st.sampled_from(["utf-16", "gb18030", "big5", "latin-1", "utf-8-sig", "utf-32"]).map(
        lambda enc: ("encoding", ".txt", BODY.encode(enc, errors="replace"))),
    st.binary(min_size=0, max_size=2000).map(lambda b: ("random_bytes", ".pdf", b)),
    st.integers(6, 12).map(lambda n: ("pages", ".pdf", _pdf(n))),
    st.sampled_from(["symlink_out", "symlink_dev", "fifo"]).map(lambda k: (k, ".txt", b"")),
)
odd_names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=90)


@pytest.fixture(scope="module")
def world():
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-"))
    kb = KnowledgeBase(Settings(data_dir=tmp / "data", knowledge_dir=REPO / "knowledge", **LIMITS))
    seed = tmp / "seed" / SEED[0]
    seed.parent.mkdir()
    seed.write_text(SEED[1], encoding="utf-8")
    # a normal long document first: embedding full-length passages sets the memory baseline hostile files are held to
    long = tmp / "seed" / "长篇指南.txt"
    long.write_text("\n".join(f"第{i}条 申请人办理第{i}项业务时，应当提交本人身份证件、申请表和第{i}号证明材料，"
                              f"经办窗口应当在{i}个工作日内办结并告知结果。" * 6 for i in range(1, 40)), encoding="utf-8")
    assert [o.outcome for o in add_paths(kb, [seed, long], user="t").outcomes] == ["added", "added"]
    add_account(kb.engine, "trainer1", "password-123", "trainer")
    (tmp / "outside").mkdir()
    (tmp / "outside" / "secret.txt").write_text(f"机密\n第一条 {SECRET}。\n", encoding="utf-8")
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    yield tmp, kb, start
    kb.reopen()
    shutil.rmtree(tmp, ignore_errors=True)


def _check(kb: KnowledgeBase, start_rss: int) -> None:
    seed = kb.get_document(SEED[0])
    assert seed is not None and seed.status == "ready" and len(kb.chunks_of(seed.id)) == seed.chunk_count >= 1
    hits = kb.vector_search(kb.embedder.embed(["居住证申领条件"])[0], 5)
    assert any(c.doc_id == seed.id for c, _ in hits)
    for row in kb.documents():
        if row.status == "ready":
            assert len(kb.chunks_of(row.id)) == row.chunk_count
        else:
            assert row.chunk_count == 0 and row.error
    assert all(SECRET not in c.text for c in kb.iter_chunks())
    files = kb.settings.data_dir / "files"
    assert all(SECRET.encode() not in p.read_bytes() for p in files.rglob("*") if p.is_file() and not p.is_symlink())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert peak - start_rss < 500 * 1024 * 1024


def _outcome_ok(o) -> None:
    assert o.outcome in ("added", "replaced", "unchanged", "failed")
    if o.outcome == "failed":
        assert o.message and "请" in o.message and any("\u4e00" <= ch <= "\u9fff" for ch in o.message)


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
           derandomize=True)
@given(batch=st.lists(hostile, min_size=1, max_size=4), names=st.lists(odd_names, min_size=5, max_size=5),
       special=st.sampled_from(["symlink_out", "symlink_dev", "fifo"]))
def test_hostile_batches_through_the_cli_path(world, batch, names, special):
    tmp, kb, start = world
    batch = [*batch, (special, ".txt", b"")]     # every batch also holds a link or a pipe beside the other files
    folder = Path(tempfile.mkdtemp(prefix="in-", dir=tmp))
    made = []
    for i, (kind, suffix, data) in enumerate(batch):
        stem = "".join(ch for ch in names[i] if ch not in "/\x00").strip()[:40] or "文件"
        path = folder / f"{i}-{stem}{suffix}"
        if len(path.name.encode("utf-8")) > 200:
            path = folder / f"{i}-长名字{suffix}"
        if kind == "symlink_out":
            path.symlink_to(tmp / "outside" / "secret.txt")
        elif kind == "symlink_dev":
            path.symlink_to("/dev/zero")
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            path.write_bytes(data)
        made.append((kind, path))
    summary = add_paths(kb, [folder], user="fuzz")
    by_path = {o.path: o for o in summary.outcomes}
    for kind, path in made:
        if path.name.startswith(".") or path.name.startswith("~$"):
            continue
        o = by_path.get(str(path))
        assert o is not None, f"{kind}: no outcome for {path.name}"
        _outcome_ok(o)
        if kind in ("symlink_out", "symlink_dev", "fifo", "bomb", "many_members", "flood", "pages"):
            assert o.outcome == "failed", kind
    _check(kb, start)


@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
           derandomize=True)
@given(batch=st.lists(hostile.filter(lambda t: t[0] not in ("symlink_out", "symlink_dev", "fifo")), min_size=1,
                      max_size=4),
       names=st.lists(odd_names, min_size=4, max_size=4))
def test_hostile_batches_through_the_upload_action(world, batch, names):
    from assistant.ui import actions

    tmp, kb, start = world
    files = [(names[i] + suffix, data) for i, (_, suffix, data) in enumerate(batch)]
    summary = actions.upload(kb, files, "trainer1")
    assert len(summary.outcomes) == len(files)                 # one outcome per file, whatever its name
    for (kind, _, _), o in zip(batch, summary.outcomes):
        _outcome_ok(o)
        if kind in ("bomb", "many_members", "flood", "pages"):
            assert o.outcome == "failed", kind
    _check(kb, start)
