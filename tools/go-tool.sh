# Shared by opa.sh and actionlint.sh (sourced, not run): find a Go tool at its
# pinned version, or install it into <repo>/.tools/bin with `go install`.
#
# The sourcing script sets, then calls go_tool_path:
#   tool          the binary's name (opa)
#   tool_version  the pinned version (v1.22.2)
#   tool_module   what `go install` builds (github.com/open-policy-agent/opa)
#   tool_env      the variable a user sets to a binary of their own (OPA_BIN)
#   tool_go_hint  what to say when Go is missing (which Go, where to get a binary)
# and defines version_of BIN: the version BIN reports, without a leading v.

# go_tool_path: prints the path of a binary at $tool_version. Looks, in order, at
# ${!tool_env}, `$tool` on PATH and <repo>/.tools/bin/$tool; otherwise installs it
# (progress on stderr). Exits 1 with a message when none matches and Go is missing.
go_tool_path() {
  local repo want local_bin local_tool from_env found me
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  me="tools/$tool.sh"
  want="${tool_version#v}"
  local_bin="$repo/.tools/bin"
  local_tool="$local_bin/$tool"
  from_env="${!tool_env:-}"

  if [ -n "$from_env" ]; then
    if go_tool_matches "$from_env"; then
      printf '%s\n' "$from_env"
      return 0
    fi
    echo "$me: ignoring $tool_env=$from_env: it is not $tool $tool_version (found: $(version_of "$from_env" || true))" >&2
  fi
  if found="$(command -v "$tool" 2>/dev/null)" && go_tool_matches "$found"; then
    printf '%s\n' "$found"
    return 0
  fi
  if go_tool_matches "$local_tool"; then
    printf '%s\n' "$local_tool"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "$me: error: $tool $tool_version not found (checked \$$tool_env, PATH and .tools/bin/$tool) and Go is not installed." >&2
    echo "$me: $tool_go_hint" >&2
    return 1
  fi

  mkdir -p "$local_bin"
  if command -v flock >/dev/null 2>&1; then
    # Serialise concurrent installs (npm test and a build started together).
    exec 9>"$repo/.tools/$tool-install.lock"
    flock 9
    go_tool_install
    flock -u 9
  else
    go_tool_install
  fi
  if ! go_tool_matches "$local_tool"; then
    echo "$me: error: go install finished but $local_tool does not report version $tool_version (found: $(version_of "$local_tool" || true))." >&2
    return 1
  fi
  printf '%s\n' "$local_tool"
}

go_tool_matches() {
  [ -n "$1" ] && [ -x "$1" ] && [ "$(version_of "$1")" = "$want" ]
}

go_tool_install() {
  # Another process may have finished the install while we waited for the lock.
  if go_tool_matches "$local_tool"; then
    return 0
  fi
  echo "$me: installing $tool $tool_version into .tools/bin with $(go version) (once)..." >&2
  GOBIN="$local_bin" GOFLAGS="${GOFLAGS:-} -trimpath" go install "$tool_module@$tool_version" >&2
}
