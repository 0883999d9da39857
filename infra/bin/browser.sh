#!/usr/bin/env bash
# What the public site's browser tests drive: Debian's headless Chromium, and axe-core (the
# accessibility rules engine, pinned in infra/browser/package-lock.json) from the npm registry.
#
#   infra/bin/browser.sh install
#
# Installed on demand like the other tools the scripts need; nothing runs in the background.
set -euo pipefail

COMPONENT=browser
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BROWSER_DIR=$LOFTE_INFRA_DIR/browser
AXE_JS=$BROWSER_DIR/node_modules/axe-core/axe.min.js

cmd_install() {
  need_cmd chromium chromium
  # Fonts with the Swedish letters, so that screenshots show text as people see it.
  [[ -d /usr/share/fonts/truetype/dejavu ]] || apt_install fonts-dejavu-core
  need_cmd npm npm
  # Installed again whenever the pin changed since the last install.
  local stamp=$BROWSER_DIR/node_modules/.installed-from-lock
  if [[ ! -s $AXE_JS ]] || ! cmp -s "$BROWSER_DIR/package-lock.json" "$stamp"; then
    log "npm ci (axe-core, as pinned in $BROWSER_DIR/package-lock.json)"
    npm ci --prefix "$BROWSER_DIR" --ignore-scripts --no-audit --no-fund >&2
    cp -- "$BROWSER_DIR/package-lock.json" "$stamp"
  fi
  [[ -s $AXE_JS ]] || die "npm ci ran but $AXE_JS is missing"
  log "installed ($(command -v chromium), axe-core in $BROWSER_DIR/node_modules)"
}

install_only "Chromium from Debian's packages and axe-core from the npm registry" "$@"
