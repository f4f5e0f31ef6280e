"""HTML pages (saved news reports of meetings, intranet minutes): the main text only.

Scripts, styles, navigation, headers/footers and forms are dropped; block elements become
line breaks and list entries keep a marker ("- " or "1) ") so the minutes' structure
survives for segmentation. Inline elements (<b>, <span>) join without spaces, because Thai
has no spaces between words and a tag boundary is not a word boundary.
"""
from __future__ import annotations

import hashlib
import re

from prachum.errors import ReadError, TooLarge
from prachum.ingest.decode import decode_text
from prachum.ingest.limits import Limits
from prachum.models import Document

DROP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
        "button", "select", "template", "head", "object", "embed", "canvas"}
BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
         "table", "tr", "thead", "tbody", "tfoot", "blockquote", "pre", "figure", "figcaption", "dl", "dt",
         "dd", "address", "hr", "caption"}
CELL = {"td", "th"}
MAIN_SELECTORS = ("article", "main", "#content", ".content", "#main", ".entry-content", ".post-content")
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.I)


class _TextBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def add(self, text: str) -> None:
        text = re.sub(r"[ \t\r\n\f]+", " ", text)
        if not text.strip():
            if self.parts and not self.parts[-1].endswith((" ", "\n")):
                self.parts.append(" ")
            return
        if self.parts and self.parts[-1].endswith("\n"):
            text = text.lstrip()
        self.parts.append(text)

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).split("\n")]
        out: list[str] = []
        for line in lines:
            if line or (out and out[-1]):
                out.append(line)
        return "\n".join(out).strip() + "\n"


def _walk(node, builder: _TextBuilder, list_stack: list[list[int]]) -> None:  # type: ignore[no-untyped-def]
    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            builder.add(child.text_content or "")
        elif tag in ("-comment", "!doctype") or tag in DROP:
            pass
        elif tag == "br":
            builder.newline()
        else:
            if tag in BLOCK:
                builder.newline()
            if tag in ("ul", "ol"):
                list_stack.append([0 if tag == "ol" else -1])
            if tag == "li":
                marker = list_stack[-1] if list_stack else [-1]
                if marker[0] >= 0:
                    marker[0] += 1
                    builder.parts.append(f"{marker[0]}) ")
                else:
                    builder.parts.append("- ")
            _walk(child, builder, list_stack)
            if tag in ("ul", "ol") and list_stack:
                list_stack.pop()
            if tag in CELL:
                builder.parts.append("\t")
            if tag in BLOCK:
                builder.newline()
        child = child.next


def read_html(data: bytes, *, file_name: str, limits: Limits, progress: object = None) -> Document:
    from selectolax.lexbor import LexborHTMLParser

    if not data.strip():
        raise ReadError(f"{file_name}: empty file")
    declared = _META_CHARSET.search(data[:4096])
    markup: str | None = None
    encoding = None
    if declared:
        try:
            markup, encoding = data.decode(declared.group(1).decode("ascii")), declared.group(1).decode("ascii")
        except (LookupError, UnicodeDecodeError):
            markup = None
    if markup is None:
        markup, encoding = decode_text(data, file_name=file_name)
    tree = LexborHTMLParser(markup)
    root = None
    for selector in MAIN_SELECTORS:
        found = tree.css_first(selector)
        if found is not None and len(found.text(strip=True)) > 200:
            root = found
            break
    root = root or tree.body or tree.root
    if root is None:
        raise ReadError(f"{file_name}: no HTML body")
    builder = _TextBuilder()
    _walk(root, builder, [])
    text = builder.text()
    if len(text) > limits.max_text_chars:
        raise TooLarge(f"{file_name}: {len(text):,} characters is over the limit of {limits.max_text_chars:,}")
    if not text.strip():
        raise ReadError(f"{file_name}: the page has no visible text")
    title_node = tree.css_first("title")
    meta = {"html_title": title_node.text(strip=True)} if title_node is not None else {}
    return Document(
        file_name=file_name,
        text=text,
        format="html",
        content_hash=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        meta=meta,
    )
