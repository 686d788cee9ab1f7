#!/usr/bin/env bash
# Installs the Debian packages casefile uses for PDF conversion, OCR and archive checks.
# Safe to run repeatedly; skips what is already there. Needs root (CI runs as root).
set -euo pipefail
PKGS=(libreoffice-writer-nogui fonts-wqy-zenhei fonts-wqy-microhei tesseract-ocr tesseract-ocr-chi-sim
      qpdf poppler-utils poppler-data)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all Debian packages present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "system-deps: missing ${missing[*]} and not root; tests that need them will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system-deps: installed ${missing[*]}"
