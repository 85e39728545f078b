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

# policy_build_into OPA DIR: compiles the policy sources with OPA into DIR/policy.wasm and
# writes DIR/manifest.json, exactly what policies/dist/ must hold. opa build is deterministic
# (the bundle's tar members have mtime 0 and fixed modes; two builds give the same bytes),
# and only the extracted policy.wasm is kept, so the comparison does not depend on gzip.
policy_build_into() {
  local opa="$1" out="$2" sources=() entrypoint_flags=() line entry member
  while IFS= read -r line; do sources+=("$line"); done < <(policy_sources)  # (no mapfile: bash 3.2 on macOS)
  if [ "${#sources[@]}" -eq 0 ]; then
    echo "policy: no policy sources (*.rego) under $POLICY_DIR/" >&2
    return 1
  fi
  for entry in "${POLICY_ENTRYPOINTS[@]}"; do
    entrypoint_flags+=(-e "$entry")
  done
  "$opa" build -t wasm "${entrypoint_flags[@]}" -o "$out/bundle.tar.gz" "${sources[@]}" >&2 || return 1
  # The bundle holds /policy.wasm (plus /data.json and /.manifest); keep the wasm only.
  member="$(tar -tzf "$out/bundle.tar.gz" 2>/dev/null | grep -E '^/?policy\.wasm$' | head -n 1 || true)"
  if [ -z "$member" ] || ! tar -xzOf "$out/bundle.tar.gz" "$member" >"$out/policy.wasm" 2>"$out/tar.log" ||
    [ ! -s "$out/policy.wasm" ]; then
    cat "$out/tar.log" >&2 2>/dev/null || true
    echo "policy: the bundle opa built has no policy.wasm (members: $(tar -tzf "$out/bundle.tar.gz" 2>/dev/null | tr '\n' ' '))" >&2
    return 1
  fi
  policy_manifest "$OPA_VERSION" "$(sha256_of "$out/policy.wasm")" >"$out/manifest.json" || return 1
  chmod 644 "$out/policy.wasm" "$out/manifest.json"
  echo "${#sources[@]}"
}
