"""Hostile and careless input through `ingest.py add` and the page's upload action, on real chromadb and the real
embedding model: limits checked before the expensive work, no symlink or special file followed, any upload name
stored, one outcome per file, and nothing already in the knowledge base lost."""
from __future__ import annotations

import os
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.ingest import add_paths, remove_document
from assistant.store.kb import KnowledgeBase
from assistant.users import add_account

from conftest import REPO

GOOD = ("居住证须知.txt", "居住证办理须知\n第一条 申领居住证应当在居住地居住满半年。\n"
        "第二条 申领时提交本人居民身份证、近期一寸白底照片以及居住地住址证明。\n")
SECRET = "绝密口令甲乙丙丁戊己庚辛"


def write(folder: Path, name: str, data: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.fixture
def seeded(kb, tmp_path):
    """A knowledge base that already holds one ready document."""
    out = add_paths(kb, [write(tmp_path / "seed", *GOOD)], user="t").outcomes[0]
    assert out.outcome == "added"
    return kb


def intact(kb: KnowledgeBase) -> None:
    """The seeded document is still there, whole and retrievable."""
    row = kb.get_document(GOOD[0])
    assert row is not None and row.status == "ready" and row.chunk_count >= 1
    assert len(kb.chunks_of(row.id)) == row.chunk_count
    hits = kb.vector_search(kb.embedder.embed(["居住证要交什么材料"])[0], 3)
    assert any(c.doc_id == row.id for c, _ in hits)


def all_text(kb: KnowledgeBase) -> str:
    return "\n".join(c.text for c in kb.iter_chunks())


def copies_text(kb: KnowledgeBase) -> str:
    root = kb.settings.data_dir / "files"
    return "\n".join(p.read_bytes().decode("utf-8", "ignore") for p in root.rglob("*") if p.is_file())


def docx_bomb(path: Path, inflated_mb: int) -> Path:
    """A real DOCX whose document.xml unzips to ``inflated_mb`` MB of paragraphs (a few hundred KB on disk)."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("关于居住证办理的通知")
    doc.save(path)
    para = "<w:p><w:r><w:t>" + "申领居住证应当提交材料。" * 40 + "</w:t></w:r></w:p>"
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    head, _, tail = parts["word/document.xml"].decode("utf-8").partition("<w:body>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for name, data in parts.items():
            if name != "word/document.xml":
                out.writestr(name, data)
        with out.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write((head + "<w:body>").encode("utf-8"))
            block = (para * 200).encode("utf-8")
            for _ in range(inflated_mb * 1024 * 1024 // len(block) + 1):
                fh.write(block)
            fh.write(("<w:p/></w:body>" + tail.split("</w:body>", 1)[-1]).encode("utf-8"))
    return path


def test_a_docx_bomb_is_refused_from_its_directory_before_parsing(seeded, tmp_path):
    (tmp_path / "in").mkdir()
    bomb = docx_bomb(tmp_path / "in" / "炸弹.docx", 120)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    out = add_paths(seeded, [bomb], user="t").outcomes[0]
    assert out.outcome == "failed" and out.status == "unsupported"
    assert "解压后" in out.message and "100 MB" in out.message and "MAX_INFLATED_MB" in out.message
    assert "请" in out.message
    intact(seeded)


def test_a_huge_text_is_refused_by_size_and_a_long_one_by_characters_and_passages(seeded, tmp_path):
    big = write(tmp_path / "in", "大文本.txt", ("第一条 申请人应当提交材料。\n" * 700_000).encode("utf-8"))
    assert big.stat().st_size > 10 * 1024 * 1024
    out = add_paths(seeded, [big], user="t").outcomes[0]
    assert out.outcome == "failed" and "10 MB" in out.message and "拆分" in out.message

    seeded.settings = replace(seeded.settings, max_chars=2000)
    long = write(tmp_path / "in", "长文本.txt", "".join(f"第{i}条 申请人办理第{i}项业务应当提交身份证和户口簿原件。\n" for i in range(1, 200)))
    out = add_paths(seeded, [long], user="t").outcomes[0]
    assert out.outcome == "failed" and "2000 字" in out.message and "MAX_CHARS" in out.message

    seeded.settings = replace(seeded.settings, max_chars=1_000_000, max_chunks=3)
    out = add_paths(seeded, [long], user="t").outcomes[0]
    assert out.outcome == "failed" and "3 段" in out.message and "MAX_CHUNKS" in out.message
    assert seeded.get_document("长文本.txt").status == "unsupported"     # `ingest.py list` says why
    intact(seeded)


def test_a_pdf_over_the_page_limit_is_refused_before_extraction(seeded, tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(1001):
        writer.add_blank_page(width=200, height=200)
    path = tmp_path / "in" / "千页.pdf"
    path.parent.mkdir()
    with path.open("wb") as fh:
        writer.write(fh)
    out = add_paths(seeded, [path], user="t").outcomes[0]
    assert out.outcome == "failed" and "1001 页" in out.message and "1000 页" in out.message
    intact(seeded)


def test_symlinks_and_special_files_are_never_followed(seeded, tmp_path):
    outside = write(tmp_path / "outside", "secret.txt", f"机密文件\n第一条 {SECRET}。\n")
    folder = tmp_path / "in"
    write(folder, "新规定.txt", "新规定\n第一条 办理社保卡应当提交身份证。\n")
    (folder / "链接.txt").symlink_to(outside)
    (folder / "子目录").symlink_to(outside.parent, target_is_directory=True)
    os.mkfifo(folder / "管道.txt")       # reading it would block for ever

    summary = add_paths(seeded, [folder], user="t")
    by_name = {Path(o.path).name: o for o in summary.outcomes}
    assert by_name["新规定.txt"].outcome == "added"
    assert by_name["链接.txt"].outcome == "failed" and "符号链接" in by_name["链接.txt"].message
    assert by_name["子目录"].outcome == "failed" and "符号链接" in by_name["子目录"].message
    assert by_name["管道.txt"].outcome == "failed" and "不是普通文件" in by_name["管道.txt"].message

    # named directly on the command line, as in `ln -s /etc/passwd x.txt; ingest.py add x.txt`
    direct = add_paths(seeded, [folder / "链接.txt"], user="t").outcomes[0]
    assert direct.outcome == "failed" and "符号链接" in direct.message
    assert SECRET not in all_text(seeded) and SECRET not in copies_text(seeded)
    intact(seeded)


def test_the_cli_refuses_a_symlink_to_a_file_outside(tmp_path, monkeypatch, capsys):
    from assistant import ingest_cli

    link = tmp_path / "x.txt"
    link.symlink_to(write(tmp_path / "outside", "passwd", f"root:x:0:0:{SECRET}\n"))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_DIR", str(REPO / "knowledge"))
    assert ingest_cli.main(["add", str(link)]) == 1
    out = capsys.readouterr().out
    assert "符号链接" in out and "失败 1 个" in out
    kb = KnowledgeBase(ingest_cli.get_settings())
    assert kb.documents() == [] and not (tmp_path / "data" / "files").exists()
    kb.reopen()


def test_every_upload_gets_its_own_outcome_whatever_its_name(seeded):
    from assistant.ui import actions

    add_account(seeded.engine, "trainer1", "password-123", "trainer")
    title = "关于进一步优化流动人口居住登记和居住证申领发放服务推进基本公共服务均等化若干措施的通知（试行）" * 2
    long_name = title[:85] + ".txt"
    assert len(long_name.encode("utf-8")) > 255
    files = [
        (long_name, "居住登记服务措施\n第一条 居住登记可以在社区警务室办理。\n".encode("utf-8")),
        ("..", "上级目录\n第一条 无效名称。\n".encode("utf-8")),
        ("bad\x00name.txt", "空字符\n第一条 文件名里有空字符时也要能保存。\n".encode("utf-8")),
        ("../../逃逸.txt", "逃逸\n第一条 路径部分被去掉。\n".encode("utf-8")),
        ("坏文件.pdf", b"%PDF-1.4\n1 0 obj broken"),
        ("公积金.txt", "公积金提取\n第一条 提取住房公积金应当提交身份证。\n".encode("utf-8")),
    ]
    summary = actions.upload(seeded, files, "trainer1")
    assert len(summary.outcomes) == len(files)
    shown = [o.path for o in summary.outcomes]
    assert shown[0] == long_name and shown[2] == "badname.txt" and shown[3] == "逃逸.txt"
    outcomes = [o.outcome for o in summary.outcomes]
    assert outcomes[0] == "added" and outcomes[5] == "added" and outcomes[4] == "failed"
    assert outcomes[1] in ("added", "failed") and outcomes[2] == "added" and outcomes[3] == "added"
    assert seeded.get_document(long_name).source == long_name          # the original name, for display
    for o in summary.outcomes:
        assert o.message or o.outcome == "added"
    assert not (seeded.settings.data_dir.parent / "逃逸.txt").exists()
    intact(seeded)


def test_repair_removes_the_file_copy_a_crashed_remove_left(seeded, tmp_path, monkeypatch):
    add_paths(seeded, [write(tmp_path / "in", "公积金.txt", "公积金提取\n第一条 提取公积金应当提交身份证。\n")], user="t")
    row = seeded.get_document("公积金.txt")
    copy = seeded.settings.data_dir / "files" / row.id
    assert copy.is_dir()

    import assistant.ingest as ingest

    def crash(*_a, **_k):
        raise KeyboardInterrupt("power cut")
    monkeypatch.setattr(ingest.shutil, "rmtree", crash)
    with pytest.raises(KeyboardInterrupt):
        remove_document(seeded, "公积金.txt", user="t")
    monkeypatch.undo()
    assert seeded.get_document("公积金.txt") is None and copy.is_dir()    # the leak the crash leaves

    with seeded.writing():      # the next write repairs
        pass
    assert not copy.exists()
    assert (seeded.settings.data_dir / "files" / seeded.get_document(GOOD[0]).id).is_dir()
    intact(seeded)


def test_replace_refuses_a_symlink_and_keeps_the_old_version(seeded, tmp_path):
    from assistant.ingest import replace_document

    link = tmp_path / "新版.txt"
    link.symlink_to(write(tmp_path / "outside", "secret.txt", f"机密\n第一条 {SECRET}。\n"))
    out = replace_document(seeded, GOOD[0], link, user="t")
    assert out.outcome == "failed" and "符号链接" in out.message
    assert SECRET not in all_text(seeded)
    intact(seeded)
