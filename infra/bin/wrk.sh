#!/usr/bin/env bash
# The HTTP load generator the ingest benchmark drives (Debian's wrk, with LuaJIT).
#
#   infra/bin/wrk.sh install
#
# Installed on demand like the other tools the scripts need; nothing runs in the background.
set -euo pipefail

COMPONENT=wrk
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd_install() {
  need_cmd wrk wrk
  log "installed ($(command -v wrk))"
}

install_only "wrk from Debian's packages" "$@"
