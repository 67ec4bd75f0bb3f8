#!/usr/bin/env bash
# Install what the tests need and a fresh machine lacks: Debian's Chromium and fonts with every
# Vietnamese glyph, Pango (WeasyPrint's PDF forms), poppler-utils (reading the PDFs back), and
# axe-core (from npm) for accessibility scans.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION="4.10.3"
TOOLS_DIR="var/test-tools"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -e /usr/share/fonts/truetype/liberation2 ] || need_apt+=(fonts-liberation2)
[ -e /usr/share/fonts/truetype/dejavu ] || need_apt+=(fonts-dejavu-core)
command -v msgfmt >/dev/null || need_apt+=(gettext)
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
ldconfig -p | grep -q libpangoft2-1.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing ${need_apt[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "Missing ${need_apt[*]}: install them (apt-get install ${need_apt[*]}); browser tests will skip." >&2
  fi
fi

if [ ! -f "$TOOLS_DIR/axe.min.js" ]; then
  if command -v npm >/dev/null; then
    mkdir -p "$TOOLS_DIR"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar -xzf "axe-core-$AXE_VERSION.tgz")
    cp "$tmp/package/axe.min.js" "$TOOLS_DIR/axe.min.js"
    rm -rf "$tmp"
    echo "axe-core $AXE_VERSION installed in $TOOLS_DIR"
  else
    echo "npm is missing: the accessibility scan will skip." >&2
  fi
fi
