#!/usr/bin/env bash
# Prints the path of an opa binary at the pinned version (tools/versions.env).
#
# Looks, in order, at: $OPA_BIN, `opa` on PATH, <repo>/.tools/bin/opa. The first one
# whose `opa version` matches OPA_VERSION wins. Otherwise installs it with
#   GOBIN=<repo>/.tools/bin go install github.com/open-policy-agent/opa@$OPA_VERSION
# (progress on stderr) and prints that path. Quiet (path only on stdout) when already installed.
# Exit 1 with a message when no matching opa exists and Go is not installed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
. "$repo/tools/versions.env"
: "${OPA_VERSION:?OPA_VERSION missing from tools/versions.env}"
want="${OPA_VERSION#v}"
local_bin="$repo/.tools/bin"
local_opa="$local_bin/opa"

# version_of BIN: prints the version `BIN version` reports (without a leading v), or nothing.
version_of() {
  "$1" version 2>/dev/null | sed -n 's/^Version: *v\{0,1\}//p' | head -n 1
}

matches() {
  [ -n "$1" ] && [ -x "$1" ] && [ "$(version_of "$1")" = "$want" ]
}

if [ -n "${OPA_BIN:-}" ]; then
  if matches "$OPA_BIN"; then
    printf '%s\n' "$OPA_BIN"
    exit 0
  fi
  echo "tools/opa.sh: ignoring OPA_BIN=$OPA_BIN: it is not opa $OPA_VERSION (found: $(version_of "$OPA_BIN" || true))" >&2
fi

if path_opa="$(command -v opa 2>/dev/null)" && matches "$path_opa"; then
  printf '%s\n' "$path_opa"
  exit 0
fi

if matches "$local_opa"; then
  printf '%s\n' "$local_opa"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "tools/opa.sh: error: opa $OPA_VERSION not found (checked \$OPA_BIN, PATH and .tools/bin/opa) and Go is not installed." >&2
  echo "tools/opa.sh: install Go 1.26 or newer (https://go.dev/dl/; opa $OPA_VERSION needs it) or set OPA_BIN to an opa $OPA_VERSION binary (https://github.com/open-policy-agent/opa/releases/tag/$OPA_VERSION)." >&2
  exit 1
fi

mkdir -p "$local_bin"
install() {
  # Another process may have finished the install while we waited for the lock.
  if matches "$local_opa"; then
    return 0
  fi
  echo "tools/opa.sh: installing opa $OPA_VERSION into .tools/bin with $(go version) (this takes a few minutes once)..." >&2
  GOBIN="$local_bin" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/open-policy-agent/opa@$OPA_VERSION" >&2
}

if command -v flock >/dev/null 2>&1; then
  # Serialise concurrent installs (npm test and policy:build started together).
  exec 9>"$repo/.tools/opa-install.lock"
  flock 9
  install
  flock -u 9
else
  install
fi

if ! matches "$local_opa"; then
  echo "tools/opa.sh: error: go install finished but $local_opa does not report version $OPA_VERSION (found: $(version_of "$local_opa" || true))." >&2
  exit 1
fi
printf '%s\n' "$local_opa"
