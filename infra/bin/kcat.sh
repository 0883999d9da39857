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

case ${1:-} in
  install)
    need_cmd kcat kcat
    log "installed ($(command -v kcat))"
    ;;
  *)
    cat >&2 <<EOF2
usage: $(basename "$0") install

  install  fetch kcat from Debian's packages when it is missing (idempotent)
EOF2
    exit 2
    ;;
esac
