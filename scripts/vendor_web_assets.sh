#!/usr/bin/env bash
# Refresh the scripts the pages use, from the npm registry, into the static files.
# No build step: the files are committed as published (minified by their authors).
set -euo pipefail
HTMX=2.0.11
LEAFLET=1.9.4
ZXING_WASM=3.1.8  # the barcode reader of `data-scan` inputs (ADR 0038)
cd "$(dirname "$0")/.."
vendor=src/comptoir/web/static/web/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$HTMX" "leaflet@$LEAFLET" "zxing-wasm@$ZXING_WASM" >/dev/null)
mkdir -p "$work/htmx" "$work/leaflet" "$work/zxing" "$vendor/htmx" "$vendor/leaflet/images" "$vendor/zxing-wasm"
tar xzf "$work/htmx.org-$HTMX.tgz" -C "$work/htmx"
tar xzf "$work/leaflet-$LEAFLET.tgz" -C "$work/leaflet"
tar xzf "$work/zxing-wasm-$ZXING_WASM.tgz" -C "$work/zxing"
cp "$work/htmx/package/dist/htmx.min.js" "$work/htmx/package/LICENSE" "$vendor/htmx/"
cp "$work/leaflet/package/dist/leaflet.js" "$work/leaflet/package/dist/leaflet.css" \
   "$work/leaflet/package/LICENSE" "$vendor/leaflet/"
cp "$work/leaflet/package/dist/images/"*.png "$vendor/leaflet/images/"
# zxing-wasm: the reader only (no writer), its IIFE script and the WebAssembly it loads;
# scan.js points the script at the .wasm beside it instead of the CDN it names by default.
cp "$work/zxing/package/dist/iife/reader/index.js" "$vendor/zxing-wasm/zxing-reader.js"
cp "$work/zxing/package/dist/reader/zxing_reader.wasm" "$work/zxing/package/LICENSE" "$vendor/zxing-wasm/"
echo "$ZXING_WASM" > "$vendor/zxing-wasm/VERSION"
echo "htmx $HTMX, Leaflet $LEAFLET and zxing-wasm $ZXING_WASM are in $vendor"
