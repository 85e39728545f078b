#!/usr/bin/env bash
# Installs Debian's chromium at the version pinned in tools/versions.env (CHROMIUM_DEBIAN_VERSION) for
# the portal's browser test (test/portal.browser.test.ts drives /usr/bin/chromium with playwright-core).
# Quiet and quick when that version is already installed. Needs root (CI containers) and apt-get.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
want="${CHROMIUM_DEBIAN_VERSION:?CHROMIUM_DEBIAN_VERSION missing from tools/versions.env}"

installed="$(dpkg-query -W -f='${Version}' chromium 2>/dev/null || true)"
if [ "$installed" = "$want" ] && [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "tools/chromium.sh: apt-get not found; install Debian's chromium $want by hand (the portal's browser test runs /usr/bin/chromium)" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "tools/chromium.sh: installing chromium $want needs root (apt-get install chromium=$want)" >&2
  exit 1
fi
echo "== installing chromium $want (apt-get)" >&2
apt-get update -qq >&2
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "chromium=$want" >&2; then
  echo "tools/chromium.sh: chromium $want is not available any more; run apt-cache policy chromium and update CHROMIUM_DEBIAN_VERSION in tools/versions.env" >&2
  exit 1
fi
