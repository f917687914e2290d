"""OCR accuracy and speed on pages rendered from known text (part of `python -m assistant.bench ingest`).

Pages are drawn here from the project's own demo guide (knowledge/guide) with a CJK font that a system package
ships (fonts-wqy-microhei), so the reference text is exact. Four conditions: a clean 200 dpi page; a skewed,
noisy 150 dpi "scan"; a page with a red seal over the text; small 10.5 pt type at 150 dpi. The shipped engine
(RapidOCR) is measured against Debian tesseract chi_sim in the same run when `tesseract` is on PATH.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from assistant.config import PROJECT_ROOT

FONT_CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                   "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CONDITIONS = ("clean-200dpi", "skew-noise-150dpi", "red-seal", "10.5pt-150dpi")


def cjk_font() -> Path | None:
    return next((Path(p) for p in FONT_CANDIDATES if Path(p).is_file()), None)


def reference_paragraphs(limit_chars: int = 420) -> list[str]:
    """Plain paragraphs of the demo guide, about ``limit_chars`` characters per page."""
    text = (PROJECT_ROOT / "knowledge" / "guide" / "窗口沟通指南.md").read_text(encoding="utf-8")
    paras = [re.sub(r"[#*`>|]", "", ln).strip() for ln in text.split("\n")]
    paras = [p for p in paras if len(p) >= 20]
    pages, current = [], ""
    for p in paras:
        if len(current) + len(p) > limit_chars and current:
            pages.append(current)
            current = ""
        current += p + "\n"
    return pages + ([current] if current else [])


def render(text: str, condition: str, font_path: Path, seed: int = 0) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    dpi = 200 if condition == "clean-200dpi" else 150
    pt = 10.5 if condition == "10.5pt-150dpi" else 14
    px = round(pt * dpi / 72)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    margin = round(0.9 * dpi)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(font_path), px)
    per_line = max(8, (width - 2 * margin) // px)
    y = margin
    for para in text.split("\n"):
        for i in range(0, len(para), per_line):
            draw.text((margin, y), para[i:i + per_line], fill="black", font=font)
            y += round(px * 1.6)
    rng = np.random.default_rng(seed)
    if condition == "red-seal":
        cx, cy, r = width // 2, margin + 4 * px, round(1.1 * dpi / 2.54 * 2)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(220, 30, 30), width=max(3, dpi // 30))
        star = ImageFont.truetype(str(font_path), r // 2)
        draw.text((cx - r // 4, cy - r // 4), "★", fill=(220, 30, 30), font=star)
        draw.text((cx - r + r // 3, cy + r // 3), "某某政务服务中心", fill=(220, 30, 30),
                  font=ImageFont.truetype(str(font_path), r // 5))
        arr = np.asarray(img).copy()
        ink = arr.min(axis=2) < 100
        arr[ink & (arr[..., 0] > 150)] = (200, 20, 20)   # seal over text: red wins where both are drawn
        img = Image.fromarray(arr)
    if condition == "skew-noise-150dpi":
        img = img.rotate(float(rng.uniform(1.5, 2.5)), expand=False, fillcolor="white", resample=Image.BICUBIC)
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        arr = np.asarray(img).astype(np.int16)
        arr = arr + rng.normal(0, 18, arr.shape).astype(np.int16)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return np.asarray(img)


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def char_accuracy(reference: str, hypothesis: str) -> float:
    """1 - Levenshtein(reference, hypothesis) / len(reference), after NFKC and whitespace removal."""
    a, b = _norm(reference), _norm(hypothesis)
    if not a:
        return 1.0 if not b else 0.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return max(0.0, 1 - prev[-1] / len(a))


def rapidocr_text(img: np.ndarray) -> tuple[str, float]:
    from assistant.documents import ocr

    page = ocr.ocr_image(img)
    return page.text, page.confidence


def tesseract_text(img: np.ndarray) -> tuple[str, float]:
    """Debian tesseract 5 chi_sim, page segmentation automatic; confidence = mean word confidence / 100."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.png"
        Image.fromarray(img).save(path)
        out = subprocess.run(["tesseract", str(path), "stdout", "-l", "chi_sim", "tsv"], capture_output=True,
                             text=True, timeout=120, check=True).stdout
    words, confs = [], []
    for row in out.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) == 12 and cols[11].strip():
            words.append(cols[11])
            confs.append(float(cols[10]))
    return "".join(words), (sum(confs) / len(confs) / 100 if confs else 0.0)


@dataclass
class OcrResult:
    engine: str
    condition: str
    pages: int
    seconds: float
    accuracy: float
    min_accuracy: float
    confidence: float


def measure(engine: str, read: Callable[[np.ndarray], tuple[str, float]], pages: list[str], font: Path,
            condition: str) -> OcrResult:
    images = [render(text, condition, font, seed=i) for i, text in enumerate(pages)]
    accs, confs, t0 = [], [], time.perf_counter()
    for text, img in zip(pages, images):
        hyp, conf = read(img)
        accs.append(char_accuracy(text, hyp))
        confs.append(conf)
    seconds = time.perf_counter() - t0
    return OcrResult(engine, condition, len(pages), seconds, float(np.mean(accs)), float(np.min(accs)),
                     float(np.mean(confs)))


def run(pages_per_condition: int = 2) -> list[OcrResult] | str:
    """Both engines over every condition; a string says why nothing was measured."""
    font = cjk_font()
    if font is None:
        return "没有找到中文字体（apt-get install fonts-wqy-microhei），跳过 OCR 基准。"
    from assistant.documents import ocr

    if not ocr.available():
        return "没有安装 rapidocr，跳过 OCR 基准。"
    ocr.engine()  # model load is not OCR time
    pages = reference_paragraphs()[:pages_per_condition]
    engines: list[tuple[str, Callable]] = [("rapidocr (shipped)", rapidocr_text)]
    if shutil.which("tesseract"):
        engines.append(("baseline: tesseract chi_sim", tesseract_text))
    return [measure(name, read, pages, font, cond) for cond in CONDITIONS for name, read in engines]


def print_table(results: list[OcrResult] | str) -> None:
    if isinstance(results, str):
        print(results)
        return
    print(f"{'OCR engine':30} {'condition':20} {'pages':>5} {'pages/s':>8} {'char acc':>9} {'min acc':>8} {'conf':>6}")
    for r in results:
        print(f"{r.engine:30} {r.condition:20} {r.pages:5d} {r.pages / r.seconds:8.2f} {r.accuracy:9.3f} "
              f"{r.min_accuracy:8.3f} {r.confidence:6.3f}")
    by = {(r.engine.startswith("rapid"), r.condition): r for r in results}
    for cond in CONDITIONS:
        if (False, cond) in by:
            a, b = by[(True, cond)], by[(False, cond)]
            print(f"  {cond}: accuracy rapidocr/tesseract {a.accuracy / max(b.accuracy, 1e-9):.2f}x, "
                  f"speed {(a.pages / a.seconds) / (b.pages / b.seconds):.2f}x")


def sample_scans(samples: Path) -> None:
    """The image-only sample pages: no exact reference text exists, so RapidOCR's text is compared with tesseract's
    (eng+chi_sim) on the same rendering; agreement near 1 means both engines read the same characters."""
    from assistant.documents import ocr

    pages = [(samples / "ocrmypdf" / "c02-22.pdf", 0), (samples / "ocrmypdf" / "skew.pdf", 0),
             (samples / "chatchat" / "ocr_test.jpg", None)]
    pages = [(p, i) for p, i in pages if p.exists()]
    if not pages:
        print("跳过样例扫描页：找不到 ../shared/data/ingestion_samples。")
        return
    has_tess = shutil.which("tesseract") is not None
    print(f"\n{'sample page':28} {'chars':>6} {'conf':>6} {'rapid s':>8} {'tess s':>7} {'agreement':>9}")
    for path, index in pages:
        image = ocr.render_pdf_page(path, index) if index is not None else ocr.image_frames(path)[0]
        t0 = time.perf_counter()
        page = ocr.ocr_image(image)
        rapid_s = time.perf_counter() - t0
        tess_s, agree = float("nan"), float("nan")
        if has_tess:
            from PIL import Image

            with tempfile.TemporaryDirectory() as tmp:
                png = Path(tmp) / "p.png"
                Image.fromarray(image).save(png)
                t1 = time.perf_counter()
                tess = subprocess.run(["tesseract", str(png), "stdout", "-l", "eng+chi_sim"], capture_output=True,
                                      text=True, timeout=300, check=False).stdout
                tess_s = time.perf_counter() - t1
            agree = char_accuracy(tess, page.text)
        print(f"{path.name:28} {len(_norm(page.text)):6d} {page.confidence:6.3f} {rapid_s:8.1f} {tess_s:7.1f} {agree:9.3f}")
