#!/usr/bin/env bash
# Checks the policy pack: formatting (opa fmt), compilation (opa check --strict),
# the tests (opa test), and that policies/dist/ was built from the current sources
# by the pinned opa (rebuilt and compared byte for byte). Exit 1 on the first failing step, with what to do.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# shellcheck source=versions.env
. tools/versions.env
# shellcheck source=policy-lib.sh
. tools/policy-lib.sh

opa="$(tools/opa.sh)"
files=()
while IFS= read -r line; do files+=("$line"); done < <(policy_all_rego)  # (no mapfile: bash 3.2 on macOS)
if [ "${#files[@]}" -eq 0 ]; then
  echo "policy:check: no *.rego files under $POLICY_DIR/" >&2
  exit 1
fi

# 1. Formatting: list the files opa fmt would change.
if ! unformatted="$("$opa" fmt --list --fail "${files[@]}")"; then
  if [ -n "$unformatted" ]; then
    echo "policy:check: not formatted like opa fmt (run: \$(tools/opa.sh) fmt --write policies/):" >&2
    printf '  %s\n' $unformatted >&2
  fi
  exit 1
fi

# 2. Compilation in strict mode (unused variables and imports, shadowed names, ...).
"$opa" check --strict "${files[@]}"

# 3. Tests. Failures print their trace; POLICY_TEST_VERBOSE=1 lists every test (-v, about 4x slower).
verbose=()
if [ "${POLICY_TEST_VERBOSE:-}" = 1 ]; then verbose=(-v); fi
# test/fixtures/secrets/corpus.json is the credential corpus SEC004's tests share with the wasm suite.
"$opa" test --fail-on-empty ${verbose[@]+"${verbose[@]}"} "${files[@]}" test/fixtures/secrets/corpus.json

# 4. The committed bundle is what the pinned opa builds from these sources, byte for byte:
# rebuild it into a temporary folder and compare both files (a hash in the manifest proves
# nothing by itself: whoever swaps the wasm can write its hash too).
stale() {
  echo "policy:check: $1; run npm run policy:build and commit policies/dist/" >&2
  exit 1
}
manifest="$POLICY_DIST/manifest.json"
wasm="$POLICY_DIST/policy.wasm"
[ -f "$manifest" ] || stale "$manifest is missing"
[ -f "$wasm" ] || stale "$wasm is missing"
rebuilt="$(mktemp -d "${TMPDIR:-/tmp}/policy-check.XXXXXX")"
trap 'rm -rf "$rebuilt"' EXIT
policy_build_into "$opa" "$rebuilt" >/dev/null
if ! cmp -s "$rebuilt/policy.wasm" "$wasm"; then
  stale "$wasm is not what opa $OPA_VERSION builds from the sources in $POLICY_DIR/ (sha256 $(sha256_of "$wasm"), a rebuild gives $(sha256_of "$rebuilt/policy.wasm"))"
fi
if ! cmp -s "$rebuilt/manifest.json" "$manifest"; then
  diff "$rebuilt/manifest.json" "$manifest" | sed 's/^/  /' >&2 || true
  stale "$manifest does not match the sources, the opa version or $wasm (lines with < are what a build writes)"
fi
echo "policy:check: ok (${#files[@]} files formatted, compiled strict, tested; $POLICY_DIST rebuilt and identical)" >&2
