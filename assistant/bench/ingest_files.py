"""Two rows of `python -m assistant.bench ingest`: the real sample files and a 100-page text PDF, end to end.

Samples: every file in ../shared/data/ingestion_samples through the real path (loader -> OCR / conversion ->
cleaning -> gate -> chunking -> embedding -> store) into a temporary knowledge base: how many become ready, how many
are held for a trainer (review) and how many are refused, each with its reason. Baseline in the same run: the same
files read from their text layer only (no OCR, no conversion), which is what the loaders did before OCR and the
office converters existed.

100-page PDF: written here from NCPQA notices (or the demo guide when ../shared is absent) into a DOCX and printed to
PDF by LibreOffice, then added through the real path twice: with the configured embedding backend (int8 ONNX by
default) and, as the same-run baseline, with the torch reference path; each followed by embedding its chunks alone.
"""
from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from assistant.config import PROJECT_ROOT, Settings

SAMPLES = PROJECT_ROOT.parent / "shared" / "data" / "ingestion_samples"
NCPQA = PROJECT_ROOT.parent / "shared" / "data" / "ncpqa" / "corpus.jsonl"
IMAGE_OR_CONVERTED = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".doc", ".wps", ".ppt", ".xls"}


def _text_layer_only(path: Path) -> str:
    """What a text-layer-only pipeline makes of a file: 'ready' or 'refused' (before OCR and converters)."""
    from assistant.documents.loaders import load_document
    from assistant.documents.model import IngestError

    if path.suffix.lower() in IMAGE_OR_CONVERTED | {".ofd", ".pptx"}:
        return "refused"
    if path.suffix.lower() == ".pdf":
        import pypdf

        try:
            reader = pypdf.PdfReader(path)
            if reader.is_encrypted:
                reader.decrypt("")
            if not "".join((p.extract_text() or "") for p in reader.pages).strip():
                return "refused"
        except Exception:  # noqa: BLE001 - a damaged or locked file is refused either way
            return "refused"
    try:
        load_document(path)
        return "ready"
    except IngestError:
        return "refused"


def samples(settings: Settings) -> int:
    if not SAMPLES.exists():
        print(f"跳过样例文件：找不到 {SAMPLES}（需要 ../shared/data）。")
        return 0
    from assistant.ingest import add_file
    from assistant.store.kb import KnowledgeBase

    files = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name not in ("manifest.json", "README.md"))
    outcomes, seconds, ocr_pages = [], 0.0, 0
    with tempfile.TemporaryDirectory(prefix="bench-samples-") as tmp:
        kb = KnowledgeBase(settings.with_data_dir(Path(tmp) / "data"))
        kb.embedder.embed(["预热"])
        with kb.writing():
            for path in files:
                t0 = time.perf_counter()
                out = add_file(kb, path, user="bench", source=path.name)
                seconds += time.perf_counter() - t0
                row = kb.get_document(out.doc_id) if out.doc_id else None
                ocr_pages += len(row.ocr_pages.split(",")) if row is not None and row.ocr_pages else 0
                outcomes.append((path, out))
        kb.reopen()
    baseline = Counter(_text_layer_only(p) for p in files)
    verdict = Counter("refused" if o.outcome == "failed" else ("review" if o.status == "review" else "ready")
                      for _, o in outcomes)
    print(f"\n样例文件 {len(files)} 个（{SAMPLES}），完整入库 {seconds:.1f} 秒，其中 OCR {ocr_pages} 页")
    print(f"{'method':34} {'ready':>6} {'review':>7} {'refused':>8}")
    print(f"{'this build (OCR, converters, gate)':34} {verdict['ready']:6d} {verdict['review']:7d} {verdict['refused']:8d}")
    print(f"{'baseline: text layer only':34} {baseline['ready']:6d} {0:7d} {baseline['refused']:8d}")
    for path, out in outcomes:
        if out.outcome == "failed" or out.status == "review":
            print(f"  {'待确认' if out.status == 'review' else '拒收'}  {path.parent.name}/{path.name}: "
                  f"{out.message.split('：', 1)[-1] if out.outcome == 'failed' else out.message}")
    return 0


def _policy_paragraphs(min_chars: int) -> list[str]:
    paras: list[str] = []
    if NCPQA.exists():
        with open(NCPQA, encoding="utf-8") as fh:
            for line in fh:
                paras += [p.strip() for p in json.loads(line)["text"].split("\n") if len(p.strip()) >= 20]
                if sum(map(len, paras)) >= min_chars:
                    break
    else:
        guide = (PROJECT_ROOT / "knowledge" / "guide" / "窗口沟通指南.md").read_text(encoding="utf-8")
        base = [p.strip("# ") for p in guide.split("\n") if len(p.strip()) >= 20]
        i = 0
        while sum(map(len, paras)) < min_chars:
            paras.append(f"（第{i // len(base) + 1}遍）{base[i % len(base)]}")
            i += 1
    return paras


def hundred_page_pdf(settings: Settings, pages: int = 100) -> int:
    from assistant.documents.convert import converter

    if converter() is None:
        print("\n跳过 100 页 PDF：本机没有 LibreOffice（soffice），无法生成测试 PDF。")
        return 0
    import subprocess

    import docx
    import pypdf

    from assistant.ingest import add_file
    from assistant.store.kb import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        folder = Path(tmp)
        paras = _policy_paragraphs(pages * 1800)
        document = docx.Document()
        for p in paras:
            document.add_paragraph(p)
        document.save(folder / "long.docx")
        profile = (folder / "profile").as_uri()
        subprocess.run([converter(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(folder), str(folder / "long.docx")], capture_output=True, timeout=600,
                       check=False)
        reader = pypdf.PdfReader(folder / "long.pdf")
        keep = pypdf.PdfWriter()
        for page in reader.pages[:pages]:
            keep.add_page(page)
        pdf = folder / "百页政策汇编.pdf"
        with open(pdf, "wb") as fh:
            keep.write(fh)
        runs: dict[str, tuple[float, int]] = {}
        # the configured path (int8 ONNX by default), then today's reference path (torch), same PDF, same run
        for label, run_settings in (("add (full real path)", settings),
                                    ("baseline: add, torch path", replace(settings, embedding_backend="torch"))):
            kb = KnowledgeBase(run_settings.with_data_dir(folder / f"data-{len(runs)}"))
            kb.embedder.embed(["预热"])  # model load is not ingestion time
            t0 = time.perf_counter()
            with kb.writing():
                out = add_file(kb, pdf, user="bench")
            runs[label] = (time.perf_counter() - t0, out.chunks)
            texts = [c.index_text for c in kb.chunks_of(out.doc_id)]
            t1 = time.perf_counter()
            for start in range(0, len(texts), settings.embedding_batch):
                kb.embedder.embed(texts[start:start + settings.embedding_batch])
            runs[f"  embedding only, {getattr(kb.embedder, 'key', kb.embedder.name)}"] = \
                (time.perf_counter() - t1, len(texts))
            kb.reopen()
    n = len(keep.pages)
    print(f"\n{n} 页文字版 PDF（{'NCPQA 通知' if NCPQA.exists() else '示例指南'}排版而成）→ {out.chunks} 段，"
          f"状态 {out.status}，嵌入模型 {settings.embedding_model}（{settings.embedding_backend}）")
    print(f"{'method':36} {'seconds':>8} {'pages/s':>8} {'chunks/s':>9}")
    for label, (secs, chunks) in runs.items():
        print(f"{label:36} {secs:8.1f} {n / secs:8.2f} {chunks / secs:9.1f}")
    times = [secs for secs, _ in runs.values()]
    print(f"full real path {times[2] / times[0]:.2f}x faster than the torch path in this run; "
          f"embedding only {times[3] / times[1]:.2f}x")
    return 0
