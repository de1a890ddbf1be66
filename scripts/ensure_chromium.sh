#!/usr/bin/env bash
# Make sure the browser tests (tests/browser/) have a Chromium to drive.
# Playwright cannot download its own browsers here, so the tests use Debian's `chromium`.
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [[ -x "$chromium" ]]; then
  exit 0
fi

# A failed apt-get falls through to the one-line advice below rather than stopping set -e.
if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1 \
  && apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation \
  && [[ -x "$chromium" ]]; then
  exit 0
fi

echo "Browser tests need Chromium: install Debian's 'chromium' package (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
