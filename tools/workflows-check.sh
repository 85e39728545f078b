#!/usr/bin/env bash
# Lints every workflow in .github/workflows with the pinned actionlint (tools/actionlint.sh
# installs it the first time). Fails on any finding. actionlint also runs shellcheck on the
# run: scripts when shellcheck is on PATH (optional).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
actionlint="$(bash "$repo/tools/actionlint.sh")"
cd "$repo"

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
  echo "tools/workflows-check.sh: error: no workflows in .github/workflows" >&2
  exit 1
fi

if ! "$actionlint" -no-color "${workflows[@]}"; then
  echo "tools/workflows-check.sh: actionlint found problems in the workflows above" >&2
  exit 1
fi
echo "actionlint $("$actionlint" -version | head -n 1): ${#workflows[@]} workflows clean"
