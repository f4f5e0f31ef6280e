#!/usr/bin/env bash
# Installs the Debian packages prachum uses, only those missing:
#   tesseract-ocr + tesseract-ocr-tha (OCR of scanned minutes), poppler-utils (pdftoppm/pdffonts in tests),
#   libreoffice-writer-nogui (DOCX → PDF briefing notes), fontconfig, chromium (browser tests).
# Needs root (or sudo). Safe to run repeatedly.
set -euo pipefail
need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/tha.traineddata ] || ls /usr/share/tesseract-ocr/*/tessdata/tha.traineddata >/dev/null 2>&1 || need+=(tesseract-ocr-tha)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v fc-cache >/dev/null 2>&1 || need+=(fontconfig)
if [ "${PRACHUM_SKIP_BROWSER:-0}" != 1 ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "installing system packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "error: need root or sudo to install: ${need[*]}" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
