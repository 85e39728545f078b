# Shared by policy-build.sh and policy-check.sh (sourced, not run).
# The policy sources are every *.rego under policies/ except *_test.rego and policies/dist/.

POLICY_DIR=policies
POLICY_DIST=policies/dist
# The decisions the wasm exports (package platform.main: deny, warn, and both at once as findings).
POLICY_ENTRYPOINTS=(platform/main/deny platform/main/warn platform/main/findings)

# Prints the policy sources, one per line, relative to the repo root, in byte order.
policy_sources() {
  find "$POLICY_DIR" -path "$POLICY_DIST" -prune -o -type f -name '*.rego' ! -name '*_test.rego' -print |
    LC_ALL=C sort
}

# Prints the sources and their tests (what opa fmt, check and test look at).
policy_all_rego() {
  find "$POLICY_DIR" -path "$POLICY_DIST" -prune -o -type f -name '*.rego' -print | LC_ALL=C sort
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# policy_manifest OPA_VERSION WASM_SHA256: prints manifest.json for the current sources.
# Sorted keys, two-space indent, a final newline, no timestamps: the same sources give the same bytes.
policy_manifest() {
  local opa_version="$1" wasm_sha="$2" first=1 file entry
  printf '{\n  "entrypoints": [\n'
  for entry in "${POLICY_ENTRYPOINTS[@]}"; do
    if [ $first -eq 0 ]; then printf ',\n'; fi
    first=0
    printf '    "%s"' "$entry"
  done
  printf '\n  ],\n  "opaVersion": "%s",\n  "sources": {\n' "$opa_version"
  first=1
  while IFS= read -r file; do
    case "$file" in
      *[!A-Za-z0-9_./-]*)
        echo "policy: $file: use only letters, digits, '_', '-', '.' and '/' in policy file names" >&2
        return 1
        ;;
    esac
    if [ $first -eq 0 ]; then printf ',\n'; fi
    first=0
    printf '    "%s": "%s"' "$file" "$(sha256_of "$file")"
  done < <(policy_sources)
  if [ $first -eq 1 ]; then
    echo "policy: no policy sources (*.rego) under $POLICY_DIR/" >&2
    return 1
  fi
  printf '\n  },\n  "wasm": "%s"\n}\n' "$wasm_sha"
}
