#!/usr/bin/env bash
# Prints the path of an actionlint binary at the pinned version (tools/versions.env).
#
# Looks, in order, at: $ACTIONLINT_BIN, `actionlint` on PATH, <repo>/.tools/bin/actionlint. The
# first one whose `actionlint -version` matches ACTIONLINT_VERSION wins. Otherwise installs it with
#   GOBIN=<repo>/.tools/bin go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION
# (progress on stderr) and prints that path. Quiet (path only on stdout) when already installed.
# Exit 1 with a message when no matching actionlint exists and Go is not installed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
. "$repo/tools/versions.env"
: "${ACTIONLINT_VERSION:?ACTIONLINT_VERSION missing from tools/versions.env}"
want="${ACTIONLINT_VERSION#v}"
local_bin="$repo/.tools/bin"
local_actionlint="$local_bin/actionlint"

# version_of BIN: prints the version `BIN -version` reports (first line, without a leading v), or nothing.
version_of() {
  "$1" -version 2>/dev/null | head -n 1 | sed -n 's/^v\{0,1\}\([0-9][0-9.]*\).*$/\1/p'
}

matches() {
  [ -n "$1" ] && [ -x "$1" ] && [ "$(version_of "$1")" = "$want" ]
}

if [ -n "${ACTIONLINT_BIN:-}" ]; then
  if matches "$ACTIONLINT_BIN"; then
    printf '%s\n' "$ACTIONLINT_BIN"
    exit 0
  fi
  echo "tools/actionlint.sh: ignoring ACTIONLINT_BIN=$ACTIONLINT_BIN: it is not actionlint $ACTIONLINT_VERSION (found: $(version_of "$ACTIONLINT_BIN" || true))" >&2
fi

if path_actionlint="$(command -v actionlint 2>/dev/null)" && matches "$path_actionlint"; then
  printf '%s\n' "$path_actionlint"
  exit 0
fi

if matches "$local_actionlint"; then
  printf '%s\n' "$local_actionlint"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "tools/actionlint.sh: error: actionlint $ACTIONLINT_VERSION not found (checked \$ACTIONLINT_BIN, PATH and .tools/bin/actionlint) and Go is not installed." >&2
  echo "tools/actionlint.sh: install Go (https://go.dev/dl/) or set ACTIONLINT_BIN to an actionlint $ACTIONLINT_VERSION binary (https://github.com/rhysd/actionlint/releases/tag/$ACTIONLINT_VERSION)." >&2
  exit 1
fi

mkdir -p "$local_bin"
install() {
  # Another process may have finished the install while we waited for the lock.
  if matches "$local_actionlint"; then
    return 0
  fi
  echo "tools/actionlint.sh: installing actionlint $ACTIONLINT_VERSION into .tools/bin with $(go version) (once; about a minute)..." >&2
  GOBIN="$local_bin" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2
}

if command -v flock >/dev/null 2>&1; then
  # Serialise concurrent installs (npm test and a test suite started together).
  exec 9>"$repo/.tools/actionlint-install.lock"
  flock 9
  install
  flock -u 9
else
  install
fi

if ! matches "$local_actionlint"; then
  echo "tools/actionlint.sh: error: go install finished but $local_actionlint does not report version $ACTIONLINT_VERSION (found: $(version_of "$local_actionlint" || true))." >&2
  exit 1
fi
printf '%s\n' "$local_actionlint"
