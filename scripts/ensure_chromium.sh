#!/usr/bin/env bash
# Make sure headless Chromium and its WebDriver are installed, for the explorer's browser test.
# Idempotent: does nothing when `chromium` and `chromedriver` are already on PATH. Otherwise
# installs the Debian packages `chromium` and `chromium-driver` with apt (as root, or via sudo).
#   bash scripts/ensure_chromium.sh
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "ensure_chromium: chromium and chromedriver are missing and this user can neither run apt-get" \
        "as root nor use sudo without a password; install the Debian packages 'chromium' and" \
        "'chromium-driver' (apt-get install chromium chromium-driver) and run again." >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: chromium and chromedriver are missing and apt-get is not available;" \
        "install Chromium and a matching chromedriver by hand and put them on PATH." >&2
    exit 1
fi

echo "ensure_chromium: installing chromium and chromium-driver with apt-get ..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get update -qq \
    || ! "${as_root[@]}" apt-get install -y -qq chromium chromium-driver >&2; then
    echo "ensure_chromium: apt-get could not install chromium and chromium-driver (is the package" \
        "mirror reachable?); install them by hand and run again." >&2
    exit 1
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "ensure_chromium: apt-get finished but chromium or chromedriver is still not on PATH." >&2
    exit 1
fi
