#!/usr/bin/env bash
# Prints the path of a promtool at the pinned Prometheus release (PROMTOOL_VERSION in
# tools/versions.env), building it the first time into <repo>/.tools/bin.
#
#   bash tools/promtool.sh              build when missing (progress on stderr), print the path
#   bash tools/promtool.sh --installed  print the path, or exit 1 naming the command that builds it
#
# The build is `go build` of github.com/prometheus/prometheus/cmd/promtool from
# tools/promtool/go.mod and go.sum (which pin the whole dependency graph; the require
# line must name PROMTOOL_VERSION), with the build tag remove_all_sd: promtool's
# service-discovery plugins (AWS, Azure, GCE, ...) are left out, which halves the build and
# changes nothing `check rules` and `test rules` do. About 2 to 4 minutes on 2 cores the
# first time; a stamp (hash of go.mod, go.sum and the flags) makes later runs cost milliseconds.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
. "$repo/tools/versions.env"
version="${PROMTOOL_VERSION:?PROMTOOL_VERSION missing from tools/versions.env}"
module=github.com/prometheus/prometheus
dir="$repo/tools/promtool"
bin="$repo/.tools/bin"
target="$bin/promtool"
stamp_file="$repo/.tools/promtool.stamp"
tags=remove_all_sd
# Prometheus' Go module v0.3XX.Y is release 3.XX.Y (v0.316.0 is 3.16.0): promtool --version reports it.
minor="${version#v0.}"
minor="${minor%%.*}"
release="3.$((10#$minor - 300)).${version##*.}"
ldflags="-s -w -X github.com/prometheus/common/version.Version=$release -X github.com/prometheus/common/version.Branch=$version"

if ! grep -qE "^(require)?[[:space:]]*$module $version( // indirect)?\$" "$dir/go.mod"; then
  echo "tools/promtool.sh: error: tools/promtool/go.mod does not require $module $version (tools/versions.env);" >&2
  echo "  run: (cd tools/promtool && go get -tool $module/cmd/promtool@$version && go mod tidy) and commit go.mod and go.sum." >&2
  exit 1
fi
stamp="$(cat "$dir/go.mod" "$dir/go.sum" <(printf '%s\n' "$tags" "$ldflags") | sha256sum | cut -d' ' -f1)"

installed() {
  [ -x "$target" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]
}

if installed; then
  printf '%s\n' "$target"
  exit 0
fi
if [ "${1:-}" = "--installed" ]; then
  echo "tools/promtool.sh: promtool $release ($module $version) is not installed in .tools/bin; run: bash tools/promtool.sh" >&2
  exit 1
fi
if ! command -v go >/dev/null 2>&1; then
  echo "tools/promtool.sh: error: Go is not installed; install Go 1.26.7 or newer (https://go.dev/dl/; Prometheus $release needs it)." >&2
  exit 1
fi

mkdir -p "$bin"
exec 9>"$repo/.tools/promtool-install.lock"
flock 9
# Another process may have finished the build while we waited for the lock.
if ! installed; then
  echo "tools/promtool.sh: building promtool $release with $(go version | cut -d' ' -f3) (once; a few minutes)..." >&2
  started=$SECONDS
  (cd "$dir" && GOFLAGS="-trimpath -mod=readonly" GOTOOLCHAIN=local \
    go build -tags "$tags" -ldflags "$ldflags" -o "$target.tmp" "$module/cmd/promtool")
  mv "$target.tmp" "$target"
  printf '%s\n' "$stamp" >"$stamp_file"
  echo "tools/promtool.sh: built promtool in $((SECONDS - started)) s" >&2
fi
printf '%s\n' "$target"
