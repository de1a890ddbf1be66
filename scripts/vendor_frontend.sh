#!/usr/bin/env bash
# Refresh the vendored front-end assets from pinned npm releases, so the site
# needs no Node at run time.
#
#   static/govuk/                 GOV.UK Frontend (CSS compiled here with Sass,
#                                 JS + fonts/images/manifest copied from dist/)
#   tests/browser/vendor/         axe-core (browser accessibility tests only)
#
# Usage (from the repo root):  scripts/vendor_frontend.sh
#
# All npm work happens in a temporary directory; nothing (node_modules,
# package.json, lock file) is left in the repository. static/govuk/ is owned by
# this script and is replaced wholesale on every run. The script is idempotent:
# running it twice gives byte-identical output.
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.6.0"
AXE_CORE_VERSION="4.14.1"
SASS_VERSION="1.108.2"   # build-time only (compiles the GOV.UK Sass)

# Font stack for the non-gov.uk build. GDS Transport is licensed for gov.uk
# domains only; GOV.UK recommends Arial for other services.
SYSTEM_FONT_FAMILY="arial, sans-serif"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
[[ -f pyproject.toml ]] || { echo "error: run from the repo root (pyproject.toml not found)" >&2; exit 1; }

govuk_out="static/govuk"
axe_out="tests/browser/vendor"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "Installing govuk-frontend@$GOVUK_FRONTEND_VERSION axe-core@$AXE_CORE_VERSION sass@$SASS_VERSION in $tmp" >&2
( cd "$tmp" && npm install --prefix "$tmp" --ignore-scripts --no-audit --no-fund --loglevel=error \
    "govuk-frontend@$GOVUK_FRONTEND_VERSION" \
    "axe-core@$AXE_CORE_VERSION" \
    "sass@$SASS_VERSION" >&2 )

nm="$tmp/node_modules"
check_version() {  # <package> <expected version>
  local got
  got="$(node -p "require('$nm/$1/package.json').version")"
  [[ "$got" == "$2" ]] || { echo "error: $1 is $got, expected $2" >&2; exit 1; }
}
check_version govuk-frontend "$GOVUK_FRONTEND_VERSION"
check_version axe-core "$AXE_CORE_VERSION"

dist="$nm/govuk-frontend/dist/govuk"
stage="$tmp/out/govuk"
mkdir -p "$stage"

# --- GOV.UK Frontend CSS --------------------------------------------------
# The prebuilt dist CSS uses url(/assets/...) which Django's manifest storage
# leaves alone (404s under STATIC_URL). Compile with a path relative to the
# CSS file instead, so collectstatic can hash/rewrite the references.
banner="/*! govuk-frontend v$GOVUK_FRONTEND_VERSION | MIT | Crown Copyright (Government Digital Service) | built by scripts/vendor_frontend.sh */"
cat > "$tmp/govuk-default.scss" <<SCSS
$banner
@use "govuk" with (
  \$govuk-assets-path: "assets/"
);
SCSS
cat > "$tmp/govuk-system-font.scss" <<SCSS
$banner
@use "govuk" with (
  \$govuk-assets-path: "assets/",
  \$govuk-font-family: ($SYSTEM_FONT_FAMILY),
  \$govuk-include-default-font-face: false
);
SCSS
sass_opts=(--style=compressed --no-source-map --load-path="$nm/govuk-frontend/dist")
"$nm/.bin/sass" "${sass_opts[@]}" "$tmp/govuk-default.scss" "$stage/govuk-frontend.min.css"
"$nm/.bin/sass" "${sass_opts[@]}" "$tmp/govuk-system-font.scss" "$stage/govuk-frontend-system-font.min.css"

# --- GOV.UK Frontend JS (ES module) and static assets ---------------------
cp "$dist/govuk-frontend.min.js" "$dist/govuk-frontend.min.js.map" "$stage/"
cp -R "$dist/assets" "$stage/assets"   # fonts/, images/, manifest.json

# --- Licence and version ---------------------------------------------------
licence_src="$(find "$nm/govuk-frontend" -maxdepth 1 -iname 'licen[cs]e*' | head -n1)"
if [[ -n "$licence_src" ]]; then
  cp "$licence_src" "$stage/LICENCE.txt"
else
  # The npm tarball ships no licence file (package.json: "license": "MIT");
  # this is LICENSE.txt from github.com/alphagov/govuk-frontend.
  cat > "$stage/LICENCE.txt" <<'LICENCE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE
fi
printf '%s\n' "$GOVUK_FRONTEND_VERSION" > "$stage/VERSION"

# --- Sanity checks before touching the repo ---------------------------------
fail() { echo "error: $*" >&2; exit 1; }
for css in "$stage"/*.css; do
  size=$(wc -c < "$css")
  (( size > 100000 && size < 400000 )) || fail "$css has unexpected size $size"
  ! grep -q 'url(["'\'']\{0,1\}/assets' "$css" || fail "$css still has absolute /assets URLs"
done
grep -q '@font-face' "$stage/govuk-frontend.min.css" || fail "default CSS lacks the GDS Transport @font-face"
! grep -q 'GDS Transport' "$stage/govuk-frontend-system-font.min.css" || fail "system-font CSS mentions GDS Transport"
! grep -q '@font-face' "$stage/govuk-frontend-system-font.min.css" || fail "system-font CSS has an @font-face"
grep -q 'export{.*\binitAll\b' "$stage/govuk-frontend.min.js" || fail "JS does not export initAll"
[[ -f "$stage/assets/manifest.json" ]] || fail "assets/manifest.json missing"
# every url(...) in the CSS must resolve to a vendored file
for ref in $(grep -oh 'url("[^"]*")' "$stage"/*.css | sed 's/^url("//; s/")$//' | sort -u); do
  [[ "$ref" == data:* ]] && continue
  [[ -f "$stage/$ref" ]] || fail "CSS refers to missing file $ref"
done

# --- Install into the repo --------------------------------------------------
# (npm ships the font files with the executable bit set; normalise modes)
find "$stage" -type d -exec chmod 755 {} +
find "$stage" -type f -exec chmod 644 {} +
rm -rf "$govuk_out"
mkdir -p "$(dirname "$govuk_out")"
cp -R "$stage" "$govuk_out"

mkdir -p "$axe_out"
cp "$nm/axe-core/axe.min.js" "$axe_out/axe.min.js"
cp "$nm/axe-core/LICENSE" "$axe_out/AXE-LICENSE.txt"
if [[ -f "$nm/axe-core/LICENSE-3RD-PARTY.txt" ]]; then
  cp "$nm/axe-core/LICENSE-3RD-PARTY.txt" "$axe_out/AXE-LICENSE-3RD-PARTY.txt"
fi
printf '%s\n' "$AXE_CORE_VERSION" > "$axe_out/AXE-VERSION"
chmod 644 "$axe_out"/axe.min.js "$axe_out"/AXE-*

echo "Vendored govuk-frontend $GOVUK_FRONTEND_VERSION -> $govuk_out/, axe-core $AXE_CORE_VERSION -> $axe_out/" >&2
