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

sources=()
while IFS= read -r line; do sources+=("$line"); done < <(policy_sources)  # (no mapfile: bash 3.2 on macOS)
if [ "${#sources[@]}" -eq 0 ]; then
  echo "policy:build: no policy sources (*.rego) under $POLICY_DIR/" >&2
  exit 1
fi
entrypoint_flags=()
for entry in "${POLICY_ENTRYPOINTS[@]}"; do
  entrypoint_flags+=(-e "$entry")
done

"$opa" build -t wasm "${entrypoint_flags[@]}" -o "$tmp/bundle.tar.gz" "${sources[@]}"
# The bundle holds /policy.wasm (plus /data.json and /.manifest); keep the wasm only.
member="$(tar -tzf "$tmp/bundle.tar.gz" 2>/dev/null | grep -E '^/?policy\.wasm$' | head -n 1 || true)"
if [ -z "$member" ] || ! tar -xzOf "$tmp/bundle.tar.gz" "$member" >"$tmp/policy.wasm" 2>"$tmp/tar.log" ||
  [ ! -s "$tmp/policy.wasm" ]; then
  cat "$tmp/tar.log" >&2 2>/dev/null || true
  echo "policy:build: the bundle opa built has no policy.wasm (members: $(tar -tzf "$tmp/bundle.tar.gz" 2>/dev/null | tr '\n' ' '))" >&2
  exit 1
fi

policy_manifest "$OPA_VERSION" "$(sha256_of "$tmp/policy.wasm")" >"$tmp/manifest.json"

chmod 644 "$tmp/policy.wasm" "$tmp/manifest.json"
mkdir -p "$POLICY_DIST"
# Replace each file atomically (rename within the same folder).
cp "$tmp/policy.wasm" "$POLICY_DIST/.policy.wasm.tmp" && mv -f "$POLICY_DIST/.policy.wasm.tmp" "$POLICY_DIST/policy.wasm"
cp "$tmp/manifest.json" "$POLICY_DIST/.manifest.json.tmp" && mv -f "$POLICY_DIST/.manifest.json.tmp" "$POLICY_DIST/manifest.json"
echo "policy:build: wrote $POLICY_DIST/policy.wasm ($(wc -c <"$POLICY_DIST/policy.wasm" | tr -d ' ') bytes) and $POLICY_DIST/manifest.json from ${#sources[@]} sources (opa $OPA_VERSION)" >&2
