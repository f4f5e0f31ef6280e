"""DOCX → PDF through LibreOffice headless, so the PDF is the same note as the Word file with
Thai shaped by a real text engine (HarfBuzz: tone marks and vowels placed, no boxes) and
the Sarabun subsets embedded. reportlab was not used: it does not shape Thai.

LibreOffice finds fonts through fontconfig; the Sarabun files of fontpkg-sarabun are not
installed system-wide, so each process writes a private ``fonts.conf`` that adds them and
passes it as ``FONTCONFIG_FILE``. Each process also gets its own LibreOffice profile
(``-env:UserInstallation``) so parallel servers and test runs never share one, and a lock
serialises conversions inside the process (one profile serves one office at a time).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from prachum.errors import PrachumError

OFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_S = 180  # the first conversion also builds the profile and the font cache
_LOCK = threading.Lock()


class PdfUnavailable(PrachumError):
    """PDF export needs LibreOffice (Debian: libreoffice-writer-nogui), or it failed."""

    http_status = 503
    code = "pdf_unavailable"


def find_office() -> str:
    """The LibreOffice executable, or PdfUnavailable naming what to install."""
    for name in OFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise PdfUnavailable(
        "PDF export needs LibreOffice: 'soffice' is not on PATH "
        "(install libreoffice-writer-nogui, or export DOCX/Markdown instead)"
    )


def sarabun_dir() -> Path:
    import fontpkg_sarabun

    return Path(fontpkg_sarabun.ROOT) / "files"


@lru_cache(maxsize=1)
def _work_dir() -> Path:
    """This process's fonts.conf, font cache and LibreOffice profile (removed at exit)."""
    work = Path(tempfile.mkdtemp(prefix=f"prachum-office-{os.getpid()}-"))
    (work / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{sarabun_dir()}</dir>\n"
        f"  <cachedir>{work / 'fc-cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    atexit.register(shutil.rmtree, work, True)
    return work


def docx_to_pdf(document: bytes, *, timeout: float = TIMEOUT_S) -> bytes:
    """The PDF of a DOCX file's bytes. Raises PdfUnavailable without LibreOffice or when the
    conversion fails or times out."""
    office = find_office()
    work = _work_dir()
    if not (work / "fonts.conf").exists():  # a temp cleaner removed it under a long-running server
        _work_dir.cache_clear()
        work = _work_dir()
    env = dict(os.environ, FONTCONFIG_FILE=str(work / "fonts.conf"), HOME=str(work))
    with _LOCK, tempfile.TemporaryDirectory(prefix="brief-", dir=work) as tmp:
        source = Path(tmp) / "brief.docx"
        source.write_bytes(document)
        command = [
            office,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            tmp,
            str(source),
        ]
        try:
            done = subprocess.run(command, env=env, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(f"LibreOffice did not finish the PDF within {timeout:.0f} s") from None
        except OSError as exc:
            raise PdfUnavailable(
                f"LibreOffice could not be started ({office}): {exc.strerror or exc}"
            ) from None
        target = source.with_suffix(".pdf")
        if done.returncode != 0 or not target.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            reason = detail[-1] if detail else f"exit status {done.returncode}"
            raise PdfUnavailable(f"LibreOffice could not convert the note to PDF: {reason}")
        return target.read_bytes()
