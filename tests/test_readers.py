"""Each reader on files the tests make: encodings, HTML main text, DOCX lists and tables."""
from __future__ import annotations

import io

import pytest

from prachum.errors import ReadError, TooLarge, UnsupportedFormat
from prachum.ingest import read_bytes, read_path, reader_for
from prachum.ingest.limits import Limits

THAI = "มติที่ประชุม รับทราบ และมอบหมายให้สำนักงานจังหวัดดำเนินการภายในวันที่ ๓๐ เมษายน ๒๕๖๖\nบรรทัดที่สอง\n"


@pytest.mark.parametrize(
    "encoded, encoding",
    [
        (THAI.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + THAI.encode("utf-8"), "utf-8-sig"),
        (THAI.encode("utf-16"), "utf-16"),
        (THAI.encode("utf-16-le"), "utf-16"),
        (THAI.encode("utf-16-be"), "utf-16"),
        (THAI.encode("tis-620"), "cp874"),
        (THAI.encode("cp874"), "cp874"),
    ],
)
def test_text_encodings_decode_to_the_same_text(encoded: bytes, encoding: str) -> None:
    doc = read_bytes(encoded, "minutes.txt")
    assert doc.text == THAI
    assert doc.encoding == encoding
    assert doc.format == "txt"


def test_crlf_newlines_become_lf_like_text_mode() -> None:
    doc = read_bytes(THAI.replace("\n", "\r\n").encode("utf-8"), "a.txt")
    assert doc.text == THAI


@pytest.mark.parametrize("data", [b"", b"   \n\n", bytes(range(256)) * 20, b"\x89PNG\r\n\x1a\n" + b"\x00" * 500])
def test_empty_and_binary_text_files_are_refused(data: bytes) -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(data, "x.txt")
    assert "x.txt" in str(err.value)


def test_limits_are_enforced() -> None:
    with pytest.raises(TooLarge):
        read_bytes(THAI.encode() * 10, "big.txt", limits=Limits(max_bytes=100))
    with pytest.raises(TooLarge):
        read_bytes(THAI.encode(), "long.txt", limits=Limits(max_text_chars=10))


def test_unknown_suffix_names_the_choices() -> None:
    with pytest.raises(UnsupportedFormat) as err:
        reader_for("minutes.xyz")
    assert ".xyz" in str(err.value) and ".docx" in str(err.value)


def test_read_path_errors_are_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReadError) as err:
        read_path(tmp_path / "missing.txt")
    assert "no such file" in str(err.value)


def test_html_keeps_main_text_and_list_structure() -> None:
    html = """<html><head><title>ข่าว</title><script>var x = "ไม่ใช่เนื้อหา";</script>
    <style>p{color:red}</style></head><body><nav>หน้าแรก | ข่าว</nav>
    <article><h1>การประชุมคณะกรรมการ</h1><p>ที่ประชุมมี<b>ข้อคิดเห็น</b>ดังนี้</p>
    <ul><li>ควรกำหนดตัวชี้วัด</li><li>ควรบูรณาการข้อมูล</li></ul><ol><li>ให้จังหวัดรายงาน</li><li>ให้อำเภอสำรวจ</li></ol>
    <p>""" + "รายละเอียด " * 30 + """</p></article><footer>ติดต่อเรา</footer></body></html>"""
    doc = read_bytes(html.encode("utf-8"), "news.html")
    assert "ที่ประชุมมีข้อคิดเห็นดังนี้" in doc.text
    assert "- ควรกำหนดตัวชี้วัด\n- ควรบูรณาการข้อมูล" in doc.text
    assert "1) ให้จังหวัดรายงาน\n2) ให้อำเภอสำรวจ" in doc.text
    for junk in ("ไม่ใช่เนื้อหา", "หน้าแรก", "ติดต่อเรา", "color"):
        assert junk not in doc.text
    assert doc.meta["html_title"] == "ข่าว"


def test_html_in_cp874_with_meta_charset() -> None:
    html = '<html><head><meta charset="windows-874"></head><body><p>มติที่ประชุม เห็นชอบ</p></body></html>'
    doc = read_bytes(html.encode("cp874"), "old.htm")
    assert "มติที่ประชุม เห็นชอบ" in doc.text


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("รายงานการประชุมคณะกรรมการ")
    document.add_paragraph("ให้จังหวัดรายงานผล", style="List Number")
    document.add_paragraph("ให้อำเภอสำรวจแหล่งน้ำ", style="List Number")
    document.add_paragraph("ควรบูรณาการข้อมูล", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, [("ลำดับ", "ชื่อ-สกุล", "ตำแหน่ง"), ("1", "นายสมชาย ใจดี", "ประธาน")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("มติที่ประชุม รับทราบ")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_lists_and_tables_in_reading_order() -> None:
    doc = read_bytes(_docx_bytes(), "minutes.docx")
    lines = [line for line in doc.text.splitlines() if line]
    assert lines[0] == "รายงานการประชุมคณะกรรมการ"
    assert lines[1] == "1. ให้จังหวัดรายงานผล"
    assert lines[2] == "2. ให้อำเภอสำรวจแหล่งน้ำ"
    assert lines[3] == "- ควรบูรณาการข้อมูล"
    assert lines[4] == "ลำดับ\tชื่อ-สกุล\tตำแหน่ง"
    assert lines[5] == "1\tนายสมชาย ใจดี\tประธาน"
    assert lines[6] == "มติที่ประชุม รับทราบ"
    assert doc.format == "docx"


def test_docx_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(b"this is plain text pretending to be docx", "fake.docx")
    assert "not a DOCX" in str(err.value)


def test_docx_zip_bomb_is_refused() -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (5 * 1024 * 1024))
    with pytest.raises(TooLarge) as err:
        read_bytes(buffer.getvalue(), "bomb.docx", limits=Limits(max_unzipped_bytes=1024 * 1024))
    assert "zip bomb" in str(err.value)


def test_content_hash_and_id_are_stable() -> None:
    a = read_bytes(THAI.encode(), "a.txt")
    b = read_bytes(THAI.encode(), "b.txt")
    assert a.content_hash == b.content_hash and a.id == b.id and len(a.id) == 16
