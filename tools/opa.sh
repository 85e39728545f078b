#!/usr/bin/env bash
# Prints the path of an opa binary at the pinned version (tools/versions.env).
#
# Looks, in order, at: $OPA_BIN, `opa` on PATH, <repo>/.tools/bin/opa. The first one
# whose `opa version` matches OPA_VERSION wins. Otherwise installs it with
#   GOBIN=<repo>/.tools/bin go install github.com/open-policy-agent/opa@$OPA_VERSION
# (progress on stderr) and prints that path. Quiet (path only on stdout) when already installed.
# Exit 1 with a message when no matching opa exists and Go is not installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
# shellcheck source=go-tool.sh
. "$here/go-tool.sh"

tool=opa
tool_version="${OPA_VERSION:?OPA_VERSION missing from tools/versions.env}"
tool_module=github.com/open-policy-agent/opa
tool_env=OPA_BIN
tool_go_hint="install Go 1.26 or newer (https://go.dev/dl/; opa $OPA_VERSION needs it) or set OPA_BIN to an opa $OPA_VERSION binary (https://github.com/open-policy-agent/opa/releases/tag/$OPA_VERSION)."

# version_of BIN: prints the version `BIN version` reports (without a leading v), or nothing.
version_of() {
  "$1" version 2>/dev/null | sed -n 's/^Version: *v\{0,1\}//p' | head -n 1
}

go_tool_path
