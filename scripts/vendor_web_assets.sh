#!/usr/bin/env bash
# Refresh the two scripts the pages use, from the npm registry, into the static files.
# No build step: the files are committed as published (minified by their authors).
set -euo pipefail
HTMX=2.0.11
LEAFLET=1.9.4
cd "$(dirname "$0")/.."
vendor=src/comptoir/web/static/web/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$HTMX" "leaflet@$LEAFLET" >/dev/null)
mkdir -p "$work/htmx" "$work/leaflet" "$vendor/htmx" "$vendor/leaflet/images"
tar xzf "$work/htmx.org-$HTMX.tgz" -C "$work/htmx"
tar xzf "$work/leaflet-$LEAFLET.tgz" -C "$work/leaflet"
cp "$work/htmx/package/dist/htmx.min.js" "$work/htmx/package/LICENSE" "$vendor/htmx/"
cp "$work/leaflet/package/dist/leaflet.js" "$work/leaflet/package/dist/leaflet.css" \
   "$work/leaflet/package/LICENSE" "$vendor/leaflet/"
cp "$work/leaflet/package/dist/images/"*.png "$vendor/leaflet/images/"
echo "htmx $HTMX and Leaflet $LEAFLET are in $vendor"
