"""A bounded fuzz run of every reader: bytes of the real samples in corpus/samples (and an HTML
page and PNG made from them) are mutated — bytes flipped, runs zeroed or duplicated, files
truncated, two files spliced, members of a DOCX zip rewritten — and each result goes through
``read_bytes`` with the reader for its suffix. Whatever the bytes, only a ``PrachumError``
(one-line reason for the user) may escape; a document that is read must be self-consistent.

Mutations come from fixed seeds, so a failure names a case that reproduces. OCR is switched
off (``Limits(ocr=False)``): OCR of mutated pages only costs time; its errors are covered in
test_ocr.py. Case counts per format are in ``CASES`` (printed with -s).
"""

from __future__ import annotations

import html
import io
import os
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from prachum.errors import PrachumError
from prachum.ingest import read_bytes
from prachum.ingest.limits import Limits

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"
LIMITS = Limits(ocr=False, max_pdf_pages=50)
# PRACHUM_FUZZ_SCALE=10 runs a longer campaign (same seeds, more cases) by hand or in a nightly job.
_SCALE = max(1, int(os.environ.get("PRACHUM_FUZZ_SCALE", "1")))
CASES = {
    suffix: n * _SCALE
    for suffix, n in {".txt": 200, ".html": 200, ".docx": 200, ".pdf": 200, ".png": 40}.items()
}


def _sample_text() -> bytes:
    return (SAMPLES / "04_district_flood_thai_digits.txt").read_bytes()


def _html_page() -> bytes:
    lines = _sample_text().decode("utf-8").splitlines()[:80]
    body = "".join(
        f"<li>{html.escape(line)}</li>"
        if line.lstrip().startswith(("-", "•"))
        else f"<p>{html.escape(line)}</p>"
        for line in lines
    )
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><title>ข่าวการประชุม</title>'
        "<script>var x = '<p>ไม่ใช่เนื้อหา</p>';</script><style>p{color:red}</style></head>"
        f"<body><nav>เมนู</nav><article><h1>รายงานการประชุม</h1><ul>{body}</ul>"
        "<table><tr><td>ลำดับ</td><td>&nbsp;&#3585;&amp;</td></tr></table></article></body></html>"
    )
    return page.encode("utf-8")


def _png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (120, 40), 255)
    ImageDraw.Draw(image).rectangle((10, 10, 100, 30), fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


SEEDS: dict[str, Callable[[], list[bytes]]] = {
    ".txt": lambda: [
        _sample_text(),
        (SAMPLES / "03_news_senate_subcommittee.txt").read_bytes(),
        _sample_text().decode("utf-8").encode("cp874", errors="replace"),
        _sample_text().decode("utf-8")[:3000].encode("utf-16"),
    ],
    ".html": lambda: [_html_page(), _html_page().decode("utf-8").encode("cp874", errors="replace")],
    ".docx": lambda: [(SAMPLES / "06_ministry_meeting.docx").read_bytes()],
    ".pdf": lambda: [(SAMPLES / "07_provincial_meeting.pdf").read_bytes()],
    ".png": lambda: [_png()],
}


# ------------------------------------------------------------------ mutators


def _flip(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return "flip", bytes(out)


def _truncate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    cut = rng.randrange(len(data))
    return f"truncate@{cut}", data[:cut]


def _zero_run(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    start = rng.randrange(len(data))
    length = rng.randint(1, 2048)
    fill = rng.choice([b"\x00", b"\xff", b" "])
    return f"fill@{start}+{length}", data[:start] + fill * min(length, len(data) - start) + data[
        start + length :
    ]


def _duplicate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randint(1, 4096)]
    at = rng.randrange(len(data))
    return f"dup@{start}->{at}", data[:at] + chunk * rng.randint(1, 8) + data[at:]


def _splice(rng: random.Random, data: bytes, other: bytes) -> tuple[str, bytes]:
    a, b = rng.randrange(len(data)), rng.randrange(len(other))
    return f"splice@{a}/{b}", data[:a] + other[b:]


def _garbage(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    at = rng.randrange(len(data) + 1)
    junk = rng.randbytes(rng.randint(1, 512))
    return f"garbage@{at}", data[:at] + junk + data[at:]


def _zip_member(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """A well-formed zip whose Word XML is damaged: the XML parser, not zipfile, must cope."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    target = rng.choice([n for n in names if n.endswith(".xml") or n.endswith(".rels")])
    _, damaged = rng.choice([_flip, _truncate, _duplicate, _garbage])(rng, source.read(target))
    dropped = rng.choice([None, None, rng.choice(names)])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in names:
            if name == dropped and name != target:
                continue
            zipped.writestr(name, damaged if name == target else source.read(name))
    return f"zip:{target}(-{dropped})", out.getvalue()


def _mutations(suffix: str, seeds: list[bytes], count: int, seed: int):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    others = [data for seeds_of in SEEDS.values() for data in seeds_of()] if suffix != ".pdf" else seeds
    simple = [_flip, _truncate, _zero_run, _duplicate, _garbage]
    for case in range(count):
        data = rng.choice(seeds)
        roll = rng.random()
        if suffix == ".docx" and roll < 0.5:
            label, mutated = _zip_member(rng, data)
        elif roll < 0.15:
            label, mutated = _splice(rng, data, rng.choice(others))
        else:
            label, mutated = rng.choice(simple)(rng, data)
            if rng.random() < 0.3:  # stack a second mutation now and then
                more, mutated = rng.choice(simple)(rng, mutated or b"x")
                label += "+" + more
        yield f"{suffix}#{case}:{label}", mutated


@pytest.mark.timeout(600)
@pytest.mark.parametrize("suffix", sorted(CASES))
def test_mutated_files_only_ever_raise_prachum_errors(suffix: str) -> None:
    seeds = SEEDS[suffix]()
    escaped: list[str] = []
    counts = {"read": 0, "refused": 0}
    for label, data in _mutations(suffix, seeds, CASES[suffix], seed=2026 + sum(map(ord, suffix))):
        name = f"fuzz ไฟล์ {label.split(':')[0].replace('#', '_')}{suffix}"
        try:
            document = read_bytes(data, name, limits=LIMITS)
        except PrachumError as exc:
            counts["refused"] += 1
            message = str(exc)
            assert "\n" not in message.strip(), (label, message)
            assert name in message or Path(name).name in message, (label, message)
            continue
        except Exception as exc:  # noqa: BLE001 — collecting exactly what must never happen
            escaped.append(f"{label}: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        counts["read"] += 1
        assert isinstance(document.text, str)
        assert "\x00" not in document.text, label
        for page in document.pages:
            assert 0 <= page.start <= page.end <= len(document.text), (label, page)
        for mark in document.boilerplate:
            start, end = mark.span
            assert 0 <= start <= end <= len(document.text), label
    print(f"\n{suffix}: {CASES[suffix]} mutated files, {counts['read']} read, {counts['refused']} refused")
    assert not escaped, "\n".join(escaped)


@pytest.mark.parametrize("suffix", sorted(CASES))
def test_every_seed_reads_cleanly(suffix: str) -> None:
    """The unmutated seeds are readable (else the fuzz run would only test the error path)."""
    for data in SEEDS[suffix]():
        if suffix == ".png":  # images need OCR, which is off here: a clear refusal is the answer
            with pytest.raises(PrachumError, match="OCR"):
                read_bytes(data, "seed.png", limits=LIMITS)
            continue
        document = read_bytes(data, f"seed{suffix}", limits=LIMITS)
        assert len(document.text) > 200
