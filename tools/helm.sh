#!/usr/bin/env bash
# Builds helm at the version pinned in tools/versions.env (HELM_VERSION) into
# <repo>/.tools/bin/helm and prints that path. For the Helm comparison benchmark
# only (bench/helm.ts); nothing in .ci/run needs it.
# tools/helm/go.mod and go.sum pin helm's whole dependency graph; go.mod must
# require helm.sh/helm/v4 at HELM_VERSION. The binary is rebuilt only when its
# stamp (a hash of go.mod, go.sum and the build flags) changes, so a second run
# costs a few milliseconds. The first build downloads the modules from the Go
# module proxy and compiles about 1,200 packages: 36 minutes on 2 cores shared
# with a load average near 20 (2026-12-05); Go's build cache makes later builds
# on the same machine take seconds.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
. "$repo/tools/versions.env"
dir="$repo/tools/helm"
bin="$repo/.tools/bin"
stamps="$repo/.tools/helm"
mkdir -p "$bin" "$stamps"

if ! command -v go >/dev/null 2>&1; then
  echo "tools/helm.sh: error: Go is not installed; install Go 1.26 or newer (https://go.dev/dl/)." >&2
  exit 1
fi
if ! grep -qE "^[[:space:]]*(require )?helm\.sh/helm/v4 $HELM_VERSION( // indirect)?\$" "$dir/go.mod"; then
  echo "tools/helm.sh: error: tools/helm/go.mod does not require helm.sh/helm/v4 $HELM_VERSION (tools/versions.env);" >&2
  echo "  run: (cd tools/helm && go get -tool helm.sh/helm/v4/cmd/helm@$HELM_VERSION) and commit go.mod and go.sum." >&2
  exit 1
fi

# The flags of helm's own Makefile: its version is stamped, so `helm version` reports HELM_VERSION.
ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean"

exec 9>"$stamps/install.lock"
flock 9

stamp="$(cat "$dir/go.mod" "$dir/go.sum" <(printf '%s\n' "$ldflags") | sha256sum | cut -d' ' -f1)"
if [ -x "$bin/helm" ] && [ "$(cat "$stamps/helm.stamp" 2>/dev/null)" = "$stamp" ]; then
  printf '%s\n' "$bin/helm"
  exit 0
fi
echo "tools/helm.sh: building helm $HELM_VERSION with $(go version | cut -d' ' -f3) (the first time takes minutes)..." >&2
started=$SECONDS
(cd "$dir" && CGO_ENABLED=0 GOFLAGS="-trimpath -mod=readonly" GOTOOLCHAIN=local \
  go build -ldflags "$ldflags" -o "$bin/helm" helm.sh/helm/v4/cmd/helm)
printf '%s\n' "$stamp" >"$stamps/helm.stamp"
echo "tools/helm.sh: built helm in $((SECONDS - started)) s" >&2
printf '%s\n' "$bin/helm"
