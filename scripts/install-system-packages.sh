#!/usr/bin/env bash
# Install the Debian packages qcity needs: headless Chromium for browser tests, CJK fonts (so Chinese
# text renders in screenshots and PDFs) and Pango for WeasyPrint. Idempotent: does nothing when they are already installed.
# Not root and the packages missing: prints what to run and exits 0 locally, 1 under CI=true.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-packages: apt-get not available; install ${missing[*]} yourself" >&2
    [ "${CI:-}" = "true" ] && exit 1
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "install-system-packages: not root; run: sudo apt-get install -y ${missing[*]}" >&2
        echo "install-system-packages: browser tests will be skipped until then" >&2
        [ "${CI:-}" = "true" ] && exit 1
        exit 0
    fi
fi

echo "install-system-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq </dev/null
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
