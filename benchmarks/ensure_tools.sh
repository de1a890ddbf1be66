#!/usr/bin/env bash
# Make sure the commands a benchmark needs are there: `benchmarks/ensure_tools.sh nginx wrk`.
# Each is a Debian package of the same name; as root it is installed with apt, otherwise the
# script stops at once saying what to install (as scripts/ensure_chromium.sh does for Chromium).
set -euo pipefail

missing=()
for tool in "$@"; do
  # nginx lives in /usr/sbin, which a non-root PATH may lack.
  command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" ]] || missing+=("$tool")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

# A failed apt-get falls through to the one-line advice below rather than stopping set -e.
if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1 \
  && apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  exit 0
fi

echo "This benchmark needs: ${missing[*]} (sudo apt-get install ${missing[*]})." >&2
exit 1
