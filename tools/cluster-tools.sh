#!/usr/bin/env bash
# Builds the cluster test's components at the versions pinned in tools/versions.env
# into <repo>/.tools/bin, and prints that folder:
#   kube-apiserver, kubectl  (tools/cluster/kubernetes: k8s.io/kubernetes)
#   etcd                     (tools/cluster/etcd: go.etcd.io/etcd/server/v3)
#   source-controller, kustomize-controller (tools/cluster/<name>: Flux)
# Each group's go.mod and go.sum pin its whole dependency graph; its require line
# must name the version in versions.env. A group is rebuilt only when its stamp
# (a hash of go.mod, go.sum and the build flags) changes, so a second run costs
# a few milliseconds. The first build takes about 15 to 25 minutes on 2 cores
# (kube-apiserver alone about 850 s of CPU and 3 GB of memory); Go's build cache
# makes later builds on the same machine take seconds.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
. "$repo/tools/versions.env"
bin="$repo/.tools/bin"
stamps="$repo/.tools/cluster"
mkdir -p "$bin" "$stamps"

if ! command -v go >/dev/null 2>&1; then
  echo "tools/cluster-tools.sh: error: Go is not installed; install Go 1.26 or newer (https://go.dev/dl/)." >&2
  exit 1
fi

# build GROUP VERSION MODULE LDFLAGS BINARY=PACKAGE...
build() {
  local group="$1" version="$2" module="$3" ldflags="$4"
  shift 4
  local dir="$repo/tools/cluster/$group"
  if ! grep -qE "^require $module $version\$|^[[:space:]]$module $version\$" "$dir/go.mod"; then
    echo "tools/cluster-tools.sh: error: tools/cluster/$group/go.mod does not require $module $version (tools/versions.env);" >&2
    echo "  run: (cd tools/cluster/$group && go get -tool $module@$version) and commit go.mod and go.sum." >&2
    exit 1
  fi
  local stamp
  stamp="$(cat "$dir/go.mod" "$dir/go.sum" <(printf '%s\n' "$ldflags" "$@") | sha256sum | cut -d' ' -f1)"
  local missing=0 pair
  for pair in "$@"; do [ -x "$bin/${pair%%=*}" ] || missing=1; done
  if [ "$missing" = 0 ] && [ "$(cat "$stamps/$group.stamp" 2>/dev/null)" = "$stamp" ]; then
    return 0
  fi
  echo "tools/cluster-tools.sh: building $group $version with $(go version | cut -d' ' -f3) (the first time takes minutes)..." >&2
  local started=$SECONDS
  for pair in "$@"; do
    (cd "$dir" && GOFLAGS="-trimpath -mod=readonly" GOTOOLCHAIN=local \
      go build -ldflags "$ldflags" -o "$bin/${pair%%=*}" "${pair#*=}")
  done
  printf '%s\n' "$stamp" >"$stamps/$group.stamp"
  echo "tools/cluster-tools.sh: built $group in $((SECONDS - started)) s" >&2
}

exec 9>"$stamps/install.lock"
flock 9

k8s_minor="${KUBERNETES_VERSION#v1.}"
k8s_minor="${k8s_minor%%.*}"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags="$k8s_ldflags -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor -X $pkg.gitTreeState=clean"
done
build kubernetes "$KUBERNETES_VERSION" k8s.io/kubernetes "$k8s_ldflags" \
  kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver kubectl=k8s.io/kubernetes/cmd/kubectl
build etcd "$ETCD_VERSION" go.etcd.io/etcd/server/v3 "-s -w" etcd=.
build source-controller "$FLUX_SOURCE_CONTROLLER_VERSION" github.com/fluxcd/source-controller "-s -w" \
  source-controller=github.com/fluxcd/source-controller
build kustomize-controller "$FLUX_KUSTOMIZE_CONTROLLER_VERSION" github.com/fluxcd/kustomize-controller "-s -w" \
  kustomize-controller=github.com/fluxcd/kustomize-controller

printf '%s\n' "$bin"
