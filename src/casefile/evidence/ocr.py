"""Chinese OCR with the Debian tesseract (``tesseract-ocr`` + ``tesseract-ocr-chi-sim``).

tesseract runs as a subprocess (no model download at run time; the traineddata comes with the
Debian package). Each call gets a timeout, and ``OMP_THREAD_LIMIT=1``: on this class of machine
OpenMP threading makes tesseract about twice as slow, and files are OCR'd in parallel anyway.

Photos and screenshots are read in several variants (flattened on white, flattened on black and
inverted for white text on a transparent background, the highest-contrast colour channel) and the
variant tesseract is most confident about wins. Rendered PDF pages are read once.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageOps

from casefile.evidence.lifeline import die_with_parent
from casefile.evidence.textcheck import normalise

LANG = "chi_sim"
SMALL_IMAGE_PIXELS = 4_000_000
TESSERACT = "tesseract"


class OcrUnavailable(RuntimeError):
    pass


class OcrTimeout(RuntimeError):
    pass


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float  # 0–100, weighted by characters; -1 when nothing was read
    variant: str = "page"

    @property
    def chars(self) -> int:
        return sum(1 for c in self.text if not c.isspace())


@lru_cache(maxsize=4)
def available(lang: str = LANG) -> bool:
    """tesseract on PATH with the language's traineddata installed."""
    exe = shutil.which(TESSERACT)
    if not exe:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return lang in out.stdout.split()


def unavailable_reason(lang: str = LANG) -> str:
    if not shutil.which(TESSERACT):
        return "未安装 tesseract（Debian：apt-get install tesseract-ocr tesseract-ocr-chi-sim）"
    return f"tesseract 缺少 {lang} 语言数据（Debian：apt-get install tesseract-ocr-chi-sim）"


def run_tesseract(img: Image.Image, *, psm: int = 3, lang: str = LANG, timeout: float = 120.0,
                  variant: str = "page") -> OcrResult:
    """One tesseract pass; text rebuilt line by line from its TSV output, with confidences."""
    if not available(lang):
        raise OcrUnavailable(unavailable_reason(lang))
    if img.mode not in ("L", "RGB", "1"):
        img = img.convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "PPM")  # uncompressed: encoding PNG would cost more than tesseract's read
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    parent = os.getpid()
    try:
        proc = subprocess.run(
            [TESSERACT, "stdin", "stdout", "-l", lang, "--psm", str(psm), "tsv"],
            input=buf.getvalue(), capture_output=True, timeout=max(timeout, 1.0), env=env, check=False,
            preexec_fn=lambda: die_with_parent(parent),  # tesseract ends with the parse worker
        )
    except subprocess.TimeoutExpired:
        raise OcrTimeout(f"OCR 超时（{timeout:.0f} 秒）") from None
    if proc.returncode != 0:
        return OcrResult("", -1.0, variant)
    return parse_tsv(proc.stdout.decode("utf-8", "replace"), variant)


def parse_tsv(tsv: str, variant: str = "page") -> OcrResult:
    lines: dict[tuple[int, int, int, int], list[str]] = {}
    weighted = 0.0
    weight = 0
    for row in tsv.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) != 12:
            continue
        word = parts[11].strip()
        try:
            conf = float(parts[10])
        except ValueError:
            continue
        if not word or conf < 0:
            continue
        key = (int(parts[1]), int(parts[2]), int(parts[3]), int(parts[4]))
        lines.setdefault(key, []).append(word)
        weighted += conf * len(word)
        weight += len(word)
    text = normalise("\n".join(" ".join(words) for _, words in sorted(lines.items())), join_cjk=True)
    return OcrResult(text, weighted / weight if weight else -1.0, variant)


# -- image variants ------------------------------------------------------------------------------------
def _flatten(img: Image.Image, background: int) -> Image.Image:
    rgba = img.convert("RGBA")
    base = Image.new("RGBA", rgba.size, (background, background, background, 255))
    return Image.alpha_composite(base, rgba).convert("L")


def _has_alpha(img: Image.Image) -> bool:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        lowest = img.convert("RGBA").getchannel("A").getextrema()[0]
        return isinstance(lowest, int | float) and lowest < 255
    return False


def _otsu_separation(gray: Image.Image) -> float:
    """Otsu's between-class variance: how cleanly the channel splits into ink and paper."""
    hist = gray.histogram()[:256]
    total = sum(hist)
    if total == 0:
        return 0.0
    sum_all = sum(i * h for i, h in enumerate(hist))
    w_b = 0
    s_b = 0.0
    best = 0.0
    for t, h in enumerate(hist):
        w_b += h
        if w_b == 0:
            continue
        w_f = total - w_b
        if w_f == 0:
            break
        s_b += t * h
        m_b = s_b / w_b
        m_f = (sum_all - s_b) / w_f
        best = max(best, w_b * w_f * (m_b - m_f) ** 2)
    return best / (total * total)


def variants(img: Image.Image) -> list[tuple[str, Image.Image]]:
    """Candidate renderings of one photo/screenshot, most likely first."""
    if _has_alpha(img):
        # Black text on transparency reads when flattened on white; white text only on black, inverted.
        return [("alpha-white", _flatten(img, 255)), ("alpha-inverted", ImageOps.invert(_flatten(img, 0)))]
    rgb = img.convert("RGB")
    gray = rgb.convert("L")
    out = [("gray", gray)]
    channels = {name: rgb.getchannel(name) for name in ("R", "G", "B")}
    best_name, best = max(channels.items(), key=lambda kv: _otsu_separation(kv[1]))
    if _otsu_separation(best) > 1.1 * _otsu_separation(gray):
        out.append((f"channel-{best_name}", best))
    return out


def ocr_photo(img: Image.Image, *, lang: str = LANG, timeout: float = 120.0) -> OcrResult:
    """A standalone image (scan, photo, screenshot): try the variants, keep the most confident."""
    deadline = time.monotonic() + timeout
    if img.width >= 3 * img.height:
        psms: tuple[int, ...] = (7, 6)  # one line of text (a sign, a cropped field)
    elif img.width * img.height <= SMALL_IMAGE_PIXELS:
        psms = (3, 6)  # a snippet: automatic layout sometimes drops its first characters
    else:
        psms = (3,)  # a full page photo: one pass per variant is all the time allows
    candidates = variants(img)
    if img.width * img.height > SMALL_IMAGE_PIXELS and not _has_alpha(img):
        candidates = candidates[:1]
    best = OcrResult("", -1.0, "none")
    for name, candidate in candidates:
        for psm in psms:
            remaining = deadline - time.monotonic()
            if remaining <= 1:
                return best
            res = run_tesseract(_pad(candidate), psm=psm, lang=lang, timeout=remaining, variant=f"{name}/psm{psm}")
            if _score(res) > _score(best):
                best = res
    return best


def _score(r: OcrResult) -> float:
    # Confidence decides, but an empty read never beats a non-empty one.
    return r.confidence if r.chars else -2.0


def _pad(img: Image.Image) -> Image.Image:
    """tesseract misses glyphs that touch the image border (tight crops, single lines)."""
    gray = img.convert("L")
    corners = [gray.getpixel((0, 0)), gray.getpixel((gray.width - 1, 0)),
               gray.getpixel((0, gray.height - 1)), gray.getpixel((gray.width - 1, gray.height - 1))]
    fill = sorted(int(c) for c in corners)[1]  # type: ignore[arg-type]
    return ImageOps.expand(gray, border=max(10, gray.height // 10), fill=fill)


def ocr_page(img: Image.Image, *, lang: str = LANG, timeout: float = 120.0) -> OcrResult:
    """A PDF page rendered by pdfium (already on white, already at the OCR resolution)."""
    return run_tesseract(img.convert("L"), psm=3, lang=lang, timeout=timeout, variant="page")
