#!/usr/bin/env bash
# kcat, the Kafka command-line client the README's partner examples produce with (Debian's
# package). The example tests run it, so `make test` installs it.
#
#   infra/bin/kcat.sh install
#
# Installed on demand like the other tools the scripts need; nothing runs in the background.
set -euo pipefail

COMPONENT=kcat
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd_install() {
  need_cmd kcat kcat
  log "installed ($(command -v kcat))"
}

install_only "kcat from Debian's packages" "$@"
