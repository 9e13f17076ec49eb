#!/usr/bin/env bash
# Refreshes the vendored uPlot (https://github.com/leeoniya/uPlot) from the
# npm registry: installs it into a temporary directory and copies its built
# files and licence here, recording the version. Usage:
#   bash serve/assets/vendor/update.sh            # the latest release
#   bash serve/assets/vendor/update.sh 1.6.32     # a given version
# Then review the diff, run 'go test ./serve/' and commit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-latest}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund "uplot@$version" >/dev/null)
pkg="$tmp/node_modules/uplot"
cp "$pkg/dist/uPlot.iife.min.js" "$pkg/dist/uPlot.min.css" "$here/"
cp "$pkg/LICENSE" "$here/LICENSE"
node -p "require('$pkg/package.json').version" >"$here/VERSION"
echo "uPlot $(cat "$here/VERSION") vendored into $here"
