#!/usr/bin/env bash
# Make sure the Debian libraries and fonts WeasyPrint needs are there, for the edition PDFs
# (reports/pdf.py) and their tests: Pango to lay out text, HarfBuzz to subset the embedded
# fonts, and Liberation Sans, the metric twin of Arial that the PDF asks for. And redis-server,
# the shared cache that the tests of sessions across app servers start (tests/shared_cache.py).
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation redis-server)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

# A failed apt-get falls through to the one-line advice below rather than stopping set -e.
if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1 \
  && apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  exit 0
fi

echo "PDFs need Debian packages that are missing: sudo apt-get install ${missing[*]}" >&2
exit 1
