#!/usr/bin/env bash
# Installs the Debian packages casefile uses for PDF conversion, OCR, archive checks and the web tests.
# Safe to run repeatedly; skips what is already there. Needs root (CI runs as root).
#
# Document faces (see src/casefile/documents/fonts.conf, which maps the official font names to them):
#   仿宋_GB2312 → FandolFang, 楷体_GB2312 → FandolKai, 黑体 → FandolHei, 宋体 → FandolSong (the only free
#   GB 2312 仿宋/楷 faces Debian ships; they come in texlive-lang-chinese, whose ~100 TeX dependencies
#   casefile does not need, so only the Fandol .otf files are taken out of that package into
#   /usr/local/share/fonts/casefile-fandol), 方正小标宋简体 → Noto Serif CJK SC Bold (fonts-noto-cjk).
#   Times New Roman → Liberation Serif (same metrics). The 档号 stamp of the archival PDF is drawn by
#   reportlab, which embeds only TrueType outlines: AR PL UMing (a 明/宋 face) from fonts-arphic-uming.
# python3-uno lets casefile keep one LibreOffice warm for a batch of conversions.
set -euo pipefail
PKGS=(libreoffice-writer-nogui python3-uno fonts-noto-cjk fonts-noto-cjk-extra fonts-liberation2
      fonts-arphic-uming fonts-wqy-zenhei fonts-wqy-microhei tesseract-ocr tesseract-ocr-chi-sim qpdf poppler-utils
      poppler-data chromium postgresql  # web: the browser tests drive Debian's chromium; tests start a real PostgreSQL
      graphviz)  # tools/import_graph.py draws docs/import-graph.svg
FANDOL_DIR=/usr/local/share/fonts/casefile-fandol
FANDOL=(FandolFang-Regular.otf FandolKai-Regular.otf FandolSong-Regular.otf FandolHei-Regular.otf)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
need_fandol=0
for f in "${FANDOL[@]}"; do [ -f "$FANDOL_DIR/$f" ] || need_fandol=1; done
if [ ${#missing[@]} -eq 0 ] && [ $need_fandol -eq 0 ]; then
  echo "system-deps: all Debian packages and document faces present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "system-deps: missing ${missing[*]} ${need_fandol/#1/Fandol faces} and not root; tests that need them will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "system-deps: installed ${missing[*]}"
fi
if [ $need_fandol -eq 1 ]; then
  tmp=$(mktemp -d) && chmod 1777 "$tmp"   # apt downloads as _apt
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null)
  mkdir -p "$tmp/x" "$FANDOL_DIR"
  dpkg-deb --fsys-tarfile "$tmp"/texlive-lang-chinese_*.deb \
    | tar -x -C "$tmp/x" --wildcards './usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/*'
  for f in "${FANDOL[@]}"; do
    install -m 0644 "$tmp/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/$f" "$FANDOL_DIR/$f"
  done
  fc-cache -f "$FANDOL_DIR" >/dev/null
  echo "system-deps: installed the Fandol faces in $FANDOL_DIR"
fi
