#!/usr/bin/env bash
# Compiles the policy pack to WebAssembly:
#   policies/**/*.rego (not *_test.rego, not dist/) -> policies/dist/policy.wasm
# and writes policies/dist/manifest.json: opa version, entrypoints, sha256 of every
# source and of policy.wasm. Deterministic: the same sources give the same bytes.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=versions.env
. tools/versions.env
# shellcheck source=policy-lib.sh
. tools/policy-lib.sh

opa="$(tools/opa.sh)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/policy-build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

count="$(policy_build_into "$opa" "$tmp")"

mkdir -p "$POLICY_DIST"
# Replace each file atomically (rename within the same folder).
cp "$tmp/policy.wasm" "$POLICY_DIST/.policy.wasm.tmp" && mv -f "$POLICY_DIST/.policy.wasm.tmp" "$POLICY_DIST/policy.wasm"
cp "$tmp/manifest.json" "$POLICY_DIST/.manifest.json.tmp" && mv -f "$POLICY_DIST/.manifest.json.tmp" "$POLICY_DIST/manifest.json"
echo "policy:build: wrote $POLICY_DIST/policy.wasm ($(wc -c <"$POLICY_DIST/policy.wasm" | tr -d ' ') bytes) and $POLICY_DIST/manifest.json from $count sources (opa $OPA_VERSION)" >&2
