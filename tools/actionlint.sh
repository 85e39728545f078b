#!/usr/bin/env bash
# Prints the path of an actionlint binary at the pinned version (tools/versions.env).
#
# Looks, in order, at: $ACTIONLINT_BIN, `actionlint` on PATH, <repo>/.tools/bin/actionlint. The
# first one whose `actionlint -version` matches ACTIONLINT_VERSION wins. Otherwise installs it with
#   GOBIN=<repo>/.tools/bin go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION
# (progress on stderr) and prints that path. Quiet (path only on stdout) when already installed.
# Exit 1 with a message when no matching actionlint exists and Go is not installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
# shellcheck source=go-tool.sh
. "$here/go-tool.sh"

tool=actionlint
tool_version="${ACTIONLINT_VERSION:?ACTIONLINT_VERSION missing from tools/versions.env}"
tool_module=github.com/rhysd/actionlint/cmd/actionlint
tool_env=ACTIONLINT_BIN
tool_go_hint="install Go (https://go.dev/dl/) or set ACTIONLINT_BIN to an actionlint $ACTIONLINT_VERSION binary (https://github.com/rhysd/actionlint/releases/tag/$ACTIONLINT_VERSION)."

# version_of BIN: prints the version `BIN -version` reports (first line, without a leading v), or nothing.
version_of() {
  "$1" -version 2>/dev/null | head -n 1 | sed -n 's/^v\{0,1\}\([0-9][0-9.]*\).*$/\1/p'
}

go_tool_path
