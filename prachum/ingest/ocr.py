"""Thai OCR of page images with Tesseract (``tha+eng``) through pytesseract.

One page at a time: the image is deskewed and binarised (Pillow + numpy), Tesseract runs once
per page (``--psm 6``, one uniform block; ``--psm 4`` again only when lines look lost) writing
both its plain text (for its own word spacing) and its TSV (for word boxes and confidences).
Each line is laid out with every word keeping the (start, end) of its text and its box on
the page image, its Thai repaired (sara am, mark order, dropped tone marks) with the offsets
carried along, and the lines are re-joined into paragraphs (`reflow`). Pages run in a thread
pool bounded by the cores, each Tesseract a separate process limited to one thread.

Cost (bench/ocr.py, 2 cores): about 1.9 CPU-seconds a page at 300 dpi, 1.4 of them
Tesseract's LSTM (``tha`` alone is 20% cheaper but doubles the character errors; scaling
the page down saves little, since the LSTM reads lines at a fixed height).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from prachum.errors import ReadError
from prachum.ingest.pdf_repair import repair_thai_text
from prachum.ingest.reflow import Line, reflow

if TYPE_CHECKING:
    from PIL import Image

OCR_LANG = "tha+eng"
OCR_DPI = 300
OCR_PSM = 6
LOW_CONFIDENCE = 70.0  # mean word confidence under which a page is flagged
_NOISE_LINE_CONFIDENCE = 45.0  # lines made of stray marks and specks score below this
# Tesseract's line finder takes blobs under this many x-heights for a line of their own; at
# its default (1.25) the tall stacked marks of Thai (tone over upper vowel, as in "ที่", "น้ำ")
# become a separate "line" of noise and vanish from the text. Measured on Sarabun, Laksaman
# and Loma at 1.2-1.8 line spacing: CER 5-20% at the default, 1-5% at 2.5.
_MIN_LINESIZE = 2.5

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class OcrPage:
    """The text Tesseract read on one page image, with word boxes keyed by text offsets."""

    text: str
    words: tuple[tuple[int, int, int, int, int, int], ...] = ()  # (start, end, x0, y0, x1, y1)
    confidence: float | None = None  # mean word confidence 0-100, weighted by characters
    size: tuple[int, int] = (0, 0)  # image width, height in pixels
    skew: float = 0.0  # degrees the page was rotated back by
    lines: tuple[Line, ...] = ()  # the lines as read, each with its words (spans within the line)


@lru_cache(maxsize=1)
def tesseract_languages() -> frozenset[str]:
    """The languages the installed Tesseract can read; ReadError when it is missing."""
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise ReadError("ไม่พบโปรแกรม tesseract สำหรับ OCR (ติดตั้ง tesseract-ocr และ tesseract-ocr-tha)") from exc


def check_ocr_available(lang: str = OCR_LANG) -> None:
    missing = [code for code in lang.split("+") if code not in tesseract_languages()]
    if missing:
        raise ReadError(f"tesseract ไม่มีข้อมูลภาษา {', '.join(missing)} สำหรับ OCR (ติดตั้ง tesseract-ocr-tha)")


# --- running Tesseract -------------------------------------------------------------------


@dataclass
class _Word:
    text: str
    box: Box
    conf: float


def _read_tsv(tsv: str) -> dict[tuple[int, int, int], list[_Word]]:
    """Words of a Tesseract TSV grouped by (block, paragraph, line), in reading order."""
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(v) for v in cols[6:10])
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        word = _Word(cols[11].strip(), (left, top, left + width, top + height), float(cols[10]))
        lines.setdefault(key, []).append(word)
    return lines


def _place_words(words: list[_Word], line_text: str | None) -> tuple[str, list[tuple[int, int]]]:
    """Lay one line's words out as text; spacing from Tesseract's own text line when it agrees."""
    if line_text is not None and line_text.replace(" ", "") == "".join(w.text for w in words):
        spans, pos = [], 0
        for word in words:
            while line_text[pos] == " ":
                pos += 1
            spans.append((pos, pos + len(word.text)))
            pos += len(word.text)
        return line_text, spans
    # fall back to gaps: a space where the gap is wider than a third of the line height
    height = max(1, max(w.box[3] for w in words) - min(w.box[1] for w in words))
    text, spans = "", []
    for i, word in enumerate(words):
        if i and word.box[0] - words[i - 1].box[2] > height / 3:
            text += " "
        spans.append((len(text), len(text) + len(word.text)))
        text += word.text
    return text, spans


def _is_speck(word: _Word) -> bool:
    """A lone stroke read as '|', '_' or a dash: dirt or a page edge, not text."""
    return word.conf < 60 and len(word.text) <= 2 and not any(c.isalnum() for c in word.text)


def _trim_stray(words: list[_Word]) -> list[_Word]:
    """The line's words without specks, and without a mark or two of punctuation standing
    far out at either end (a page edge, a hole punch, dirt): they would widen the line's box,
    and the box tells where the margins are."""
    words = [w for w in words if not _is_speck(w)]
    height = max((w.box[3] - w.box[1] for w in words), default=0)
    while len(words) > 1 and _lone_punctuation(words[0]) and words[1].box[0] - words[0].box[2] > height:
        words = words[1:]
    while len(words) > 1 and _lone_punctuation(words[-1]) and words[-1].box[0] - words[-2].box[2] > height:
        words = words[:-1]
    return words


def _lone_punctuation(word: _Word) -> bool:
    return len(word.text) <= 2 and not any(c.isalnum() for c in word.text)


def _is_noise(words: list[_Word]) -> bool:
    """A 'line' of stray tone marks, specks and rule lines that Tesseract read on its own."""
    letters = sum(1 for w in words for c in w.text if c.isalnum())
    chars = sum(len(w.text) for w in words)
    mean = sum(w.conf for w in words) / len(words)
    return mean < _NOISE_LINE_CONFIDENCE or (letters < chars / 2 and mean < 75)


def _line(words: list[_Word], line_text: str | None) -> Line:
    """One read line as a `Line`: its text repaired (sara am, mark order, stray marks
    dropped), each word's span in that text with its box and confidence, and its box.
    (Tesseract's Thai 'words' are syllables and clusters, too small to tell a wrap by.)"""
    text, spans = _place_words(words, line_text)
    repaired = repair_thai_text(text, drop_orphan_marks=True)
    placed = []
    for (start, end), word in zip(spans, words, strict=True):
        new_start, new_end = repaired.from_source(start, end)
        if new_end > new_start:  # else the word was only noise marks
            placed.append((new_start, new_end, *word.box, round(word.conf)))
    box = (
        min(w.box[0] for w in words),
        min(w.box[1] for w in words),
        max(w.box[2] for w in words),
        max(w.box[3] for w in words),
    )
    return Line(repaired.text, box, words=tuple(placed))


def _assemble(
    lines: dict[tuple[int, int, int], list[_Word]], txt: str, page_width: int
) -> tuple[list[Line], int]:
    """The page's lines (noise lines and specks dropped), and how many lines look lost:
    dropped noise lines as wide as text, and lines read out of top-to-bottom order (a block
    Tesseract moved, usually with a line lost)."""
    lost = 0
    previous_top = -1
    txt_lines = [line for line in txt.splitlines() if line.strip()]
    cursor = 0
    kept: list[Line] = []
    for words in lines.values():
        joined = "".join(w.text for w in words)
        line_text = None
        for k in range(cursor, min(cursor + 4, len(txt_lines))):  # resync after a skipped line
            if txt_lines[k].replace(" ", "") == joined:
                line_text, cursor = txt_lines[k].strip(), k + 1
                break
        if _is_noise(words):
            lost += max(w.box[2] for w in words) - min(w.box[0] for w in words) > page_width / 4
            continue
        kept_words = _trim_stray(words)
        if len(kept_words) < len(words):  # spacing from the text line no longer matches: place by gaps
            words, line_text = kept_words, None
            if not words:
                continue
        top = min(w.box[1] for w in words)
        lost += top < previous_top
        previous_top = top
        line = _line(words, line_text)
        if line.text.strip():
            kept.append(line)
    return kept, lost


def _tesseract(prepared: Image.Image, *, lang: str, psm: int, dpi: int) -> tuple[str, str]:
    """Run Tesseract once, returning its plain text and its TSV."""
    import pytesseract
    from PIL import Image

    # one thread per Tesseract: the pool already fills the cores, and Tesseract's OpenMP
    # threads fight over them (2 cores, busy: 7.8 s a page with them, 2.7 s without)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    with tempfile.TemporaryDirectory(prefix="prachum-ocr-") as tmp:
        # a bilevel PBM: written in a hundredth of the time of a PNG, read as fast by leptonica
        source = Path(tmp) / "page.pbm"
        prepared.convert("1", dither=Image.Dither.NONE).save(source)
        base = str(Path(tmp) / "out")
        try:
            pytesseract.pytesseract.run_tesseract(
                str(source), base, extension="txt", lang=lang,
                config=f"--psm {psm} --dpi {dpi} -c tessedit_create_tsv=1 -c textord_min_linesize={_MIN_LINESIZE}",
            )  # fmt: skip
        except pytesseract.TesseractError as exc:
            raise ReadError(f"tesseract อ่านภาพไม่สำเร็จ: {str(exc.message).strip()[:200]}") from exc
        txt = Path(base + ".txt").read_text(encoding="utf-8", errors="replace")
        tsv = Path(base + ".tsv").read_text(encoding="utf-8", errors="replace")
    return txt, tsv


def _uncovered_lines(prepared: Image.Image, boxes: list[Box]) -> int:
    """Bands of ink as tall as a text line that no read word overlaps: lines Tesseract dropped.

    Rows with ink form bands; bands much thinner than those words sit on, or with ink over
    only a few columns, are rows of marks (above or below a line), rules or specks: ignored.
    """
    import numpy as np

    ink = np.asarray(prepared) < 128
    ink_rows = ink.sum(axis=1) > 2
    edges = np.flatnonzero(np.diff(np.concatenate(([0], ink_rows.view(np.int8), [0]))))
    bands = list(zip(edges[0::2], edges[1::2], strict=True))
    if not bands:
        return 0
    # a word sits on the band that holds its box's middle (its marks may reach other bands)
    centres = np.zeros(len(ink_rows) + 1, dtype=bool)
    for _, top, _, bottom in boxes:
        centres[(top + bottom) // 2] = True
    covered = [end - start for start, end in bands if centres[start:end].any()]
    # bands of marks alone (tone marks over a line, vowels under it) are thinner than a line
    typical = float(np.median(covered if covered else [end - start for start, end in bands]))
    return sum(
        1
        for start, end in bands
        if end - start >= typical * 0.7
        and not centres[start:end].any()
        # a line of text, not a row of marks or a page number: ink across a twentieth of the page
        and ink[start:end].any(axis=0).sum() > ink.shape[1] / 20
    )


def _read_page(prepared: Image.Image, *, lang: str, psm: int, dpi: int) -> tuple[OcrPage, int, float]:
    """One Tesseract pass: the page, its count of lines lost to noise, its confident characters."""
    txt, tsv = _tesseract(prepared, lang=lang, psm=psm, dpi=dpi)
    lines, lost = _assemble(_read_tsv(tsv), txt, prepared.width)
    flow = reflow(lines, page_width=prepared.width)
    words: list[tuple[int, int, int, int, int, int]] = []
    weighted, chars = 0.0, 0
    for line, start in zip(lines, flow.starts, strict=True):
        for s, e, x0, y0, x1, y1, conf in line.words:
            words.append((start + s, start + e, x0, y0, x1, y1))
            weighted += conf * (e - s)
            chars += e - s
    lost += _uncovered_lines(prepared, [(x0, y0, x1, y1) for _, _, x0, y0, x1, y1 in words])
    page = OcrPage(
        text=flow.text,
        words=tuple(words),
        confidence=round(weighted / chars, 1) if chars else None,
        size=prepared.size,
        lines=tuple(lines),
    )
    return page, lost, weighted / 100


def ocr_image(
    image: Image.Image, *, lang: str = OCR_LANG, psm: int = OCR_PSM, fallback_psm: int | None = 4, dpi: int = OCR_DPI
) -> OcrPage:
    """OCR one page image. Word boxes are in the pixels of the prepared (deskewed) image.

    ``--psm 6`` (one uniform block) reads minutes best: on rendered sample minutes in three
    fonts, clean and degraded, it had half the character errors of ``--psm 4``, whose line
    finder now and then drops a whole line of Thai, reads it as a 'line' of stray marks or
    moves a block out of order, and each such page then cost a second pass. When a pass shows
    lines lost, the page is read again with ``fallback_psm`` and the pass with more
    confidently read characters wins (the retry is for odd layouts: columns, big headings).
    """
    from prachum.ingest.image import prepare_image  # image.py imports this module

    check_ocr_available(lang)
    prepared, angle = prepare_image(image)
    page, lost, score = _read_page(prepared, lang=lang, psm=psm, dpi=dpi)
    if lost and fallback_psm is not None and fallback_psm != psm:
        retry, _, retry_score = _read_page(prepared, lang=lang, psm=fallback_psm, dpi=dpi)
        if retry_score > score:
            page = retry
    return replace(page, skew=angle)


def ocr_workers() -> int:
    """One Tesseract per core this process may run on (a container's CPU set, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def ocr_many(
    images: Iterable[Image.Image | None],
    *,
    lang: str = OCR_LANG,
    psm: int = OCR_PSM,
    fallback_psm: int | None = 4,
) -> Iterator[OcrPage | None]:
    """OCR a stream of page images in a pool bounded by the cores, results in input order.

    ``images`` is consumed lazily (at most two pages per worker are held in memory, so a long
    scan is never rendered all at once); a ``None`` stands for a page that needs no OCR and
    yields ``None``.
    """
    workers = ocr_workers()
    pending: list[Future[OcrPage] | None] = []
    done = 0
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prachum-ocr") as pool:
        for image in images:
            pending.append(None if image is None else pool.submit(ocr_image, image, lang=lang, psm=psm, fallback_psm=fallback_psm))
            while len([f for f in pending[done:] if f is not None]) >= 2 * workers:
                yield _take(pending, done)
                done += 1
        while done < len(pending):
            yield _take(pending, done)
            done += 1


def _take(pending: list[Future[OcrPage] | None], index: int) -> OcrPage | None:
    future = pending[index]
    pending[index] = None  # free the image and result once handed over
    return None if future is None else future.result()


def char_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance between the two strings over the reference length (0.0 = equal).

    Row-by-row dynamic programming in numpy: the insertion step (a running minimum along the
    row) is a cumulative minimum of ``row - j`` plus ``j``, so each row is a few vector ops.
    """
    import numpy as np

    ref = np.frombuffer(reference.encode("utf-32-le"), dtype=np.uint32)
    hyp = np.frombuffer(hypothesis.encode("utf-32-le"), dtype=np.uint32)
    if len(ref) == 0:
        return float(len(hyp) > 0)
    index = np.arange(len(hyp) + 1)
    row = index.copy()
    for i, char in enumerate(ref, start=1):
        current = np.empty_like(row)
        current[0] = i
        current[1:] = np.minimum(row[1:] + 1, row[:-1] + (hyp != char))
        row = np.minimum.accumulate(current - index) + index
    return float(row[-1]) / len(ref)
