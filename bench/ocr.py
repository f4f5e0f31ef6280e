"""OCR quality bench: render the sample minutes to page images, OCR them, score the text.

    .venv/bin/python bench/ocr.py [--quick] [--docs N] [--no-baseline] [--json FILE]

For each Thai font found (Sarabun from fontpkg-sarabun; Laksaman, the TLWG clone of
TH Sarabun New, and Loma when the Debian fonts-tlwg-* packages are installed) and each
condition (300 dpi clean, 300 dpi with skew + noise + blur + JPEG, 200 dpi clean) the texts
of ``corpus/samples/*.txt`` (falling back to ``../shared/eval/dev/*.txt``) are laid out on A4
pages (page numbers on top from page 2), OCRed by `prachum.ingest.ocr` in its worker pool,
put together as the readers do (`pdf.build_document`: lines re-joined, page numbers left
out) and scored:

- CER: character error rate of each page's text against the text drawn, whitespace ignored;
- extraction F1 (when `prachum.nlp.extract` imports): items of the clean source text, of the
  text wrapped as drawn, and of the OCR text against the gold answers (items match on kind
  and text similarity >= 0.5, the text-side analogue of the span overlap the dev scorer
  uses). The drop is F1(clean) - F1(OCR);
- speed: wall seconds and CPU seconds (this process and its Tesseracts) per page, for the
  page mode used before (``--psm 4``, retry ``--psm 6``) and the one used now, on the same
  images in the same run (wall time depends on what else the machine runs; CPU time less).

Goals (issue 9): CER <= 3% at 300 dpi clean, <= 6% with skew/noise; F1 drop <= 0.05.
"""

# ruff: noqa: E402
from __future__ import annotations

import os.path
import sys

# bench/ holds a tokenize.py that would shadow the standard library's (which inspect, and so
# dataclasses, import): take this script's folder off the path before anything else loads
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import argparse
import difflib
import io
import json
import random
import re
import resource
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prachum.ingest.limits import Limits  # noqa: E402
from prachum.ingest.ocr import OCR_PSM, char_error_rate, ocr_many, ocr_workers  # noqa: E402
from prachum.ingest.pdf import PageResult, apply_ocr, build_document  # noqa: E402

TLWG = Path("/usr/share/fonts/truetype/tlwg")
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@dataclass(frozen=True)
class Font:
    name: str
    path: Path
    points: int  # size that makes the body text look like 16 pt TH Sarabun PSK


@dataclass(frozen=True)
class Condition:
    name: str
    dpi: int
    degrade: bool


CONDITIONS = (
    Condition("300dpi clean", 300, False),
    Condition("300dpi skew+noise", 300, True),
    Condition("200dpi clean", 200, False),
)


def find_fonts() -> list[Font]:
    import fontpkg_sarabun

    fonts = [Font("Sarabun", Path(fontpkg_sarabun.ROOT) / "files" / "Sarabun-Regular.ttf", 14)]
    for name, file, points in (("Laksaman (TH Sarabun New)", "Laksaman.ttf", 16), ("Loma", "Loma.ttf", 13)):
        if (TLWG / file).exists():
            fonts.append(Font(name, TLWG / file, points))
        else:
            print(f"note: {file} not found (apt-get install fonts-tlwg-{file[:-4].lower()}-ttf); skipped")
    return fonts


def find_texts() -> list[Path]:
    texts = sorted((ROOT / "corpus" / "samples").glob("*.txt"))
    if not texts:
        texts = sorted((ROOT.parent / "shared" / "eval" / "dev").glob("*.txt"))
        print("note: corpus/samples has no .txt yet; using ../shared/eval/dev")
    return texts


def gold_for(path: Path) -> dict | None:
    for candidate in (
        path.parent / "expected" / f"{path.stem}.gold.json",
        path.with_suffix(".gold.json"),
    ):
        if candidate.exists():
            return json.loads(candidate.read_text(encoding="utf-8"))
    return None


# --- rendering ---------------------------------------------------------------------------


def layout(text: str, font: object, width: int) -> list[str]:
    """Wrap paragraphs at word boundaries (newmm) to the text width; '' marks a paragraph gap."""
    from pythainlp.tokenize import word_tokenize

    lines: list[str] = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            lines.append("")
            continue
        line = ""
        for token in word_tokenize(paragraph, engine="newmm", keep_whitespace=True):
            if line and font.getlength(line + token) > width:  # type: ignore[attr-defined]
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line.rstrip())
    return lines


def render_pages(text: str, font: Font, dpi: int):  # type: ignore[no-untyped-def]
    """A4 pages (1 inch margins, 1.5 line spacing) holding ``text``: (image, text drawn on it).

    From page 2 on, the page number is printed at the top centre ("- ๒ -", as Thai official
    documents do); it is not part of the text drawn, since the reader should leave it out."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(font.path), round(font.points * dpi / 72))
    width, height, margin = round(8.27 * dpi), round(11.69 * dpi), dpi
    step = round(face.size * 1.5)
    pages: list[tuple[object, list[str]]] = []
    draw, y = None, height
    for line in layout(text, face, width - 2 * margin):
        if y + step > height - margin:
            page = Image.new("L", (width, height), 255)
            draw = ImageDraw.Draw(page)
            pages.append((page, []))
            y = margin
            if len(pages) > 1:
                number = f"- {str(len(pages)).translate(THAI_DIGITS)} -"
                draw.text(((width - face.getlength(number)) / 2, margin // 2), number, font=face, fill=0)
        if line:
            draw.text((margin, y), line, font=face, fill=0)  # type: ignore[union-attr]
            pages[-1][1].append(line)
            y += step
        else:
            y += step // 2
    return [(image, "\n".join(lines)) for image, lines in pages]


def degrade(image, rng: random.Random):  # type: ignore[no-untyped-def]
    """A photocopy: slight rotation, blur, speckle noise, JPEG compression."""
    import numpy as np
    from PIL import Image, ImageFilter

    angle = rng.choice((-1, 1)) * rng.uniform(0.5, 2.0)
    image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255, expand=True)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    pixels = np.asarray(image, dtype=np.int16)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 18, pixels.shape)
    speckle = np.random.default_rng(rng.randrange(1 << 30)).random(pixels.shape)
    pixels = np.clip(pixels + noise, 0, 255)
    pixels[speckle < 0.001] = 0
    pixels[speckle > 0.999] = 255
    buffer = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buffer, format="JPEG", quality=60)
    return Image.open(io.BytesIO(buffer.getvalue()))


# --- scoring -----------------------------------------------------------------------------


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _items(text: str, extract) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(item.kind, squash(item.text)) for item in extract(text).items]


def item_f1(predicted: list[tuple[str, str]], reference: list[tuple[str, str]]) -> float:
    """F1 with one-to-one matches: same kind, text similarity >= 0.5, best pairs first."""
    pairs = []
    for i, (kind_p, text_p) in enumerate(predicted):
        for j, (kind_r, text_r) in enumerate(reference):
            if kind_p == kind_r:
                ratio = difflib.SequenceMatcher(None, text_p, text_r, autojunk=False).ratio()
                if ratio >= 0.5:
                    pairs.append((ratio, i, j))
    used_p, used_r, hits = set(), set(), 0
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_p and j not in used_r:
            used_p.add(i)
            used_r.add(j)
            hits += 1
    if not predicted and not reference:
        return 1.0
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(reference) if reference else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def load_extract():  # type: ignore[no-untyped-def]
    try:
        from prachum.nlp.extract import extract
    except Exception as exc:  # a colleague's module, maybe not there yet
        print(f"note: extraction F1 skipped (prachum.nlp.extract not importable: {exc})")
        return None
    return extract


@dataclass(frozen=True)
class Setting:
    name: str
    psm: int
    fallback_psm: int | None


SETTINGS = (
    Setting("psm4+retry6 (before)", 4, 6),  # issue 9's page mode, the reader's default until now
    Setting("psm6+retry4 (now)", OCR_PSM, 4),
)


def cpu_seconds() -> tuple[float, float]:
    """CPU time of this process (all its threads) and of its finished children (Tesseracts)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def read_as_document(pages: list, name: str):  # type: ignore[no-untyped-def]
    """The OCRed pages put together as the image and PDF readers do (reflow, page numbers
    left out, paragraphs joined over page breaks)."""
    results = []
    for number, page in enumerate(pages, start=1):
        result = PageResult(number=number, mode="ocr")
        if page is not None:
            apply_ocr(result, page)
        results.append(result)
    return build_document(name.encode(), file_name=name, format="image", results=results, limits=Limits())


def run(
    fonts: list[Font], conditions: tuple[Condition, ...], texts: list[Path], settings: tuple[Setting, ...]
) -> list[dict]:
    extract = load_extract()
    sources = {path: path.read_text(encoding="utf-8") for path in texts}
    clean_items = {p: _items(t, extract) for p, t in sources.items()} if extract else {}
    rows = []
    for font in fonts:
        for condition in conditions:
            rng = random.Random(f"{font.name}/{condition.name}")
            jobs = []  # (path, [(page image, text drawn on it)])
            for path, text in sources.items():
                pages = render_pages(text, font, condition.dpi)
                if condition.degrade:
                    pages = [(degrade(image, rng), drawn) for image, drawn in pages]
                jobs.append((path, pages))
            flat = [image for _, pages in jobs for image, _ in pages]
            for setting in settings:
                started, cpu = time.perf_counter(), cpu_seconds()
                results = list(ocr_many(flat, psm=setting.psm, fallback_psm=setting.fallback_psm))
                elapsed, (own, tesseract) = time.perf_counter() - started, cpu_seconds()
                own, tesseract = own - cpu[0], tesseract - cpu[1]
                row = score(jobs, results, extract, clean_items)
                row.update(
                    font=font.name,
                    condition=condition.name,
                    setting=setting.name,
                    pages=len(flat),
                    seconds_per_page=elapsed / len(flat),
                    cpu_seconds_per_page=(own + tesseract) / len(flat),
                    tesseract_cpu_seconds_per_page=tesseract / len(flat),
                    workers=ocr_workers(),
                )
                rows.append(row)
                print_row(row)
    return rows


def score(jobs: list, results: list, extract, clean_items: dict) -> dict:  # type: ignore[no-untyped-def]
    """CER per page (against the text drawn) and extraction F1 per document (against the
    gold answers, for the clean source text, the text wrapped as drawn, and the OCR text)."""
    cursor, errors, chars = 0, 0.0, 0
    f1_agree, f1_clean_gold, f1_wrapped_gold, f1_ocr_gold = [], [], [], []
    confidences = [r.confidence for r in results if r and r.confidence is not None]
    for path, pages in jobs:
        page_results = results[cursor : cursor + len(pages)]
        cursor += len(pages)
        document = read_as_document(page_results, path.name)
        for (_, drawn), page in zip(pages, document.pages, strict=True):
            reference = squash(drawn)
            errors += char_error_rate(reference, squash(document.text[page.start : page.end])) * len(reference)
            chars += len(reference)
        if extract:
            ocr_items = _items(document.text, extract)
            # the clean text wrapped exactly as drawn: what visual line breaks alone cost
            wrapped_items = _items("\n\n".join(drawn for _, drawn in pages), extract)
            f1_agree.append(item_f1(ocr_items, clean_items[path]))
            gold = gold_for(path)
            if gold is not None:
                gold_items = [(g["kind"], squash(g["text"])) for g in gold["items"]]
                f1_clean_gold.append(item_f1(clean_items[path], gold_items))
                f1_wrapped_gold.append(item_f1(wrapped_items, gold_items))
                f1_ocr_gold.append(item_f1(ocr_items, gold_items))
    row: dict = {
        "cer": errors / chars,
        "mean_confidence": sum(confidences) / len(confidences) if confidences else None,
    }
    if extract:
        row["f1_ocr_vs_clean"] = mean(f1_agree)
        if f1_clean_gold:
            row["f1_gold_clean"] = mean(f1_clean_gold)
            row["f1_gold_wrapped"] = mean(f1_wrapped_gold)
            row["f1_gold_ocr"] = mean(f1_ocr_gold)
            row["f1_drop"] = row["f1_gold_clean"] - row["f1_gold_ocr"]
    return row


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def print_row(row: dict) -> None:
    goal = 0.06 if "noise" in row["condition"] else 0.03
    parts = [
        f"{row['font'][:12]:<12} {row['condition']:<17} {row['setting']:<20} pages={row['pages']:>3}",
        f"CER={row['cer'] * 100:5.2f}% ({'ok' if row['cer'] <= goal else 'over'} {goal * 100:.0f}%)",
        f"conf={row['mean_confidence'] or 0:4.1f}",
        f"{row['seconds_per_page']:.2f} s/page wall on {row['workers']} workers,"
        f" {row['cpu_seconds_per_page']:.2f} CPU-s/page (Tesseract {row['tesseract_cpu_seconds_per_page']:.2f})",
    ]
    if "f1_drop" in row:
        parts.append(
            f"F1 vs gold: clean={row['f1_gold_clean']:.3f} wrapped={row['f1_gold_wrapped']:.3f}"
            f" ocr={row['f1_gold_ocr']:.3f} drop={row['f1_drop']:+.3f} ({'ok' if row['f1_drop'] <= 0.05 else 'over'})"
        )
    print("  ".join(parts), flush=True)


def summarise(rows: list[dict]) -> None:
    """Per setting: the mean over fonts and conditions, and time ratios against the first."""
    print("\nsummary (means over fonts x conditions; ratios vs the first setting, same run):")
    first = None
    for name in dict.fromkeys(row["setting"] for row in rows):
        mine = [row for row in rows if row["setting"] == name]
        wall = mean([r["seconds_per_page"] for r in mine])
        cpu = mean([r["cpu_seconds_per_page"] for r in mine])
        first = first or (wall, cpu)
        line = (
            f"  {name:<20} CER={mean([r['cer'] for r in mine]) * 100:.2f}% (max {max(r['cer'] for r in mine) * 100:.2f}%)"
            f"  {wall:.2f} s/page wall ({wall / first[0]:.2f}x)  {cpu:.2f} CPU-s/page ({cpu / first[1]:.2f}x)"
        )
        if all("f1_drop" in r for r in mine):
            drops = [r["f1_drop"] for r in mine]
            line += f"  F1 drop mean={mean(drops):+.3f} max={max(drops):+.3f}"
        print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="first font, 300 dpi clean only")
    parser.add_argument("--docs", type=int, default=0, help="only the first N texts")
    parser.add_argument("--no-baseline", action="store_true", help="skip the psm 4 (before) pass")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--font", action="append", help="only fonts whose name starts with this")
    parser.add_argument("--condition", action="append", help="only conditions starting with this")
    args = parser.parse_args(argv)
    fonts = find_fonts()
    conditions = CONDITIONS
    if args.quick:
        fonts, conditions = fonts[:1], CONDITIONS[:1]
    if args.font:
        fonts = [f for f in fonts if any(f.name.startswith(x) for x in args.font)]
    if args.condition:
        conditions = tuple(c for c in conditions if any(c.name.startswith(x) for x in args.condition))
    texts = find_texts()
    if args.docs:
        texts = texts[: args.docs]
    print(f"{len(texts)} texts: {', '.join(p.name for p in texts)}")
    settings = SETTINGS[1:] if args.no_baseline else SETTINGS
    rows = run(fonts, conditions, texts, settings)
    summarise(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
