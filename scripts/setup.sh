#!/usr/bin/env bash
# Installs what gdviz needs and a machine lacks; quick when everything is already there.
#   scripts/setup.sh web    wasm32 target, wasm-bindgen-cli (the Cargo.lock version), npm tools
#   scripts/setup.sh test   the above, plus Debian's chromium and chromium-driver, and for the
#                           engine smoke tests firefox-esr, webkit2gtk-driver (WebKitGTK's
#                           MiniBrowser comes with it), xvfb and xauth (xvfb-run), and
#                           fonts-dejavu-core (the same font in every engine's screenshots), and
#                           fonts-wqy-microhei (the page in Chinese)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

lock_version() {
  # The exact version of a package in Cargo.lock.
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

setup_web() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  [ -f Cargo.lock ] || cargo generate-lockfile
  local want have
  want=$(lock_version wasm-bindgen)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (found: ${have:-none}); this takes a few minutes once"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
  local stamp=node_modules/.gdviz-lock-sha
  local sum
  sum=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    say "installing npm tools from package-lock.json (binaryen, playwright-core, puppeteer-core, axe-core, esbuild, d3)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$sum" > "$stamp"
  fi
}

apt_install() {
  # Installs Debian packages (as root, or through sudo).
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

setup_test() {
  setup_web
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium and chromium-driver"
    apt_install chromium chromium-driver
  fi
  # The engine smoke tests (tests/engines/): Firefox ESR, WebKitGTK's WebKitWebDriver and
  # MiniBrowser, and an X server for MiniBrowser. Each is checked by a file it installs.
  if [ ! -x /usr/bin/firefox-esr ] || [ ! -x /usr/bin/WebKitWebDriver ] || [ ! -x /usr/bin/xvfb-run ] \
    || [ ! -x /usr/bin/xauth ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    say "installing Debian's firefox-esr, webkit2gtk-driver, xvfb, xauth and fonts-dejavu-core"
    apt_install firefox-esr webkit2gtk-driver xvfb xauth fonts-dejavu-core
  fi
  # The page in Chinese (tests/e2e/i18n.test.mjs and its screenshots): a font with CJK glyphs,
  # for the page's text and the words the lab draws on its canvases.
  if ! fc-list :lang=zh 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk'; then
    say "installing Debian's fonts-wqy-microhei (Chinese glyphs)"
    apt_install fontconfig fonts-wqy-microhei
  fi
}

case "${1:-}" in
  web) setup_web ;;
  test) setup_test ;;
  *) echo "usage: scripts/setup.sh web|test" >&2; exit 2 ;;
esac
