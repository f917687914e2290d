"""Offline OCR for image-only PDF pages, scans and photos.

RapidOCR (Apache-2.0) with the PP-OCRv6 ONNX models that its wheel ships: the engine is built with explicit paths to
those files, because without them RapidOCR fetches models from the network. Chosen over Debian's tesseract chi_sim by
measurement (`python -m assistant.bench ingest`, README). Red seal ink is whitened before recognition so a 公章 over
the text neither hides it nor adds its own ring text; page furniture (page numbers, running headers) is dropped later
by the same cleaning as text pages.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

# Below this character-weighted mean recognition score a page goes to a trainer for a check instead of being
# silently ready. Measured here: clean, skewed/noisy, seal-covered and 10.5 pt pages and the sample scans score
# >= 0.99; a page shrunk to ~28 dpi, with about one character in ten wrong, scored 0.89, at ~25 dpi 0.78.
LOW_CONFIDENCE = 0.95
PagesProgress = Callable[[int, int], None]   # (pages done, pages to OCR)
# OCR costs 5-20 s a page on two cores: one upload may not hold the write lock for hours. Image-only pages past this
# many are named as skipped, like scans were before OCR existed.
MAX_OCR_PAGES = 200


class OcrUnavailable(RuntimeError):
    """The OCR engine or its models are not installed."""


@dataclass
class OcrLine:
    text: str
    score: float
    box: tuple[float, float, float, float]   # x0, y0, x1, y1 in pixels
    anchor: float = 0.0   # y of the middle of the box's left edge: on a skewed page, where the line starts
    height: float = 0.0   # length of the box's left edge: the text height, not inflated by the skew


@dataclass
class OcrPage:
    text: str
    confidence: float   # character-weighted mean score, 0 when nothing was read
    lines: int


_ENGINE = None
_ENGINE_LOCK = threading.Lock()


def _model_files() -> dict[str, Path]:
    try:
        import rapidocr
    except ImportError as exc:
        raise OcrUnavailable("rapidocr is not installed") from exc
    root = Path(rapidocr.__file__).parent / "models"
    files = {"Det": root / "PP-OCRv6_det_small.onnx", "Cls": root / "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
             "Rec": root / "PP-OCRv6_rec_small.onnx"}
    missing = [p.name for p in files.values() if not p.is_file()]
    if missing:
        raise OcrUnavailable(f"rapidocr models missing: {', '.join(missing)}")
    return files


def engine():
    """The process-wide RapidOCR engine (1.3 s to build), loaded from the wheel's own model files only."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR

            # No 180-degree line classifier: on upright pages it flipped whole lines into garbage ("，，" for a clean
            # line of quotes, measured on the bench's rendered pages); an upside-down photo is re-shot instead.
            params = {"Global.log_level": "error", "Global.use_cls": False}
            params.update({f"{task}.model_path": str(path) for task, path in _model_files().items()})
            _ENGINE = RapidOCR(params=params)
        return _ENGINE


def available() -> bool:
    try:
        _model_files()
        return True
    except OcrUnavailable:
        return False


def drop_seal(rgb: np.ndarray) -> np.ndarray:
    """Whiten red ink (seals, red 版头 lines drawn over text); black text under a seal stays black."""
    if rgb.ndim != 3 or rgb.shape[2] < 3:
        return rgb
    r, g, b = (rgb[..., i].astype(np.int16) for i in range(3))
    red = (r > 110) & (r - np.maximum(g, b) > 50)
    if not red.any():
        return rgb
    out = rgb[..., :3].copy()
    out[red] = 255
    return out


def read_lines(rgb: np.ndarray) -> list[OcrLine]:
    result = engine()(drop_seal(rgb))
    if result is None or getattr(result, "txts", None) is None:
        return []
    out = []
    for box, text, score in zip(result.boxes, result.txts, result.scores):
        pts = np.asarray(box, dtype=float)
        if text and text.strip():
            anchor = float((pts[0, 1] + pts[-1, 1]) / 2) if len(pts) == 4 else float(pts[:, 1].mean())
            height = float(np.hypot(*(pts[-1] - pts[0]))) if len(pts) == 4 else float(np.ptp(pts[:, 1]))
            out.append(OcrLine(text.strip(), float(score),
                               (pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()), anchor, height))
    return out


def lines_to_text(lines: list[OcrLine]) -> str:
    """Reading order: boxes whose left edges sit within half a line height of each other form one row, read left to
    right (cells of a table row stay on one line, separated by spaces). The left edge, not the box centre: on a
    skewed scan a long line's centre drops below the start of a short line that follows it."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: ln.anchor or (ln.box[1] + ln.box[3]) / 2):
        centre = line.anchor or (line.box[1] + line.box[3]) / 2
        height = max(1.0, line.height or line.box[3] - line.box[1])
        if rows:
            last = rows[-1]
            last_centre = sum(ln.anchor or (ln.box[1] + ln.box[3]) / 2 for ln in last) / len(last)
            if abs(centre - last_centre) < 0.5 * height:
                last.append(line)
                continue
        rows.append([line])
    return "\n".join(" ".join(ln.text for ln in sorted(row, key=lambda ln: ln.box[0])) for row in rows)


def confidence(lines: list[OcrLine]) -> float:
    chars = sum(len(ln.text) for ln in lines)
    return sum(ln.score * len(ln.text) for ln in lines) / chars if chars else 0.0


def ocr_image(rgb: np.ndarray) -> OcrPage:
    lines = read_lines(rgb)
    return OcrPage(lines_to_text(lines), confidence(lines), len(lines))


def render_pdf_page(path: Path, index: int, password: str | None = None, long_side: int = 2400) -> np.ndarray:
    """One PDF page as an RGB array, scaled so its long side is about ``long_side`` px (~200 dpi on A4)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path), password=password or None)
    try:
        page = pdf[index]
        width, height = page.get_size()
        scale = min(4.0, max(1.0, long_side / max(width, height, 1)))
        return np.asarray(page.render(scale=scale).to_pil().convert("RGB"))
    finally:
        pdf.close()


def mean_confidence(pages: list[OcrPage]) -> float | None:
    chars = [(len(p.text.replace(" ", "")), p.confidence) for p in pages if p.text.strip()]
    total = sum(n for n, _ in chars)
    return sum(n * c for n, c in chars) / total if total else None


def low_confidence_note(results: dict[int, OcrPage]) -> str:
    """The review reason for pages read with low confidence, "" when every page read well."""
    from assistant.documents.quality import page_list

    low = sorted(p for p, r in results.items() if r.text.strip() and r.confidence < LOW_CONFIDENCE)
    if not low:
        return ""
    worst = min(results[p].confidence for p in low)
    return (f"{page_list(low)}文字识别（OCR）置信度偏低（最低 {worst:.2f}），"
            "请对照原件抽查识别结果，确认无误后再启用")


def image_frames(path: Path, max_frames: int = 200) -> list[np.ndarray]:
    """RGB frames of a JPG/PNG/BMP/TIFF (multi-page TIFF: one per page), upright by the camera's EXIF tag."""
    from PIL import Image, ImageOps

    frames = []
    with Image.open(path) as img:
        for i in range(min(getattr(img, "n_frames", 1), max_frames)):
            img.seek(i)
            frames.append(np.asarray(ImageOps.exif_transpose(img).convert("RGB")))
    return frames
