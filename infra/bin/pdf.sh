#!/usr/bin/env bash
# What the follow-up report's PDF needs: Pango, which WeasyPrint lays text out with, and
# poppler's tools (pdftoppm, pdftotext) to look at a report as images or text.
#
#   infra/bin/pdf.sh install
#
# Installed on demand from Debian's packages, like the other tools the scripts need.
set -euo pipefail

COMPONENT=pdf
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd_install() {
  if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
    apt_install libpango-1.0-0 libpangoft2-1.0-0
  fi
  # Fonts with the Swedish letters for the report's text.
  [[ -d /usr/share/fonts/truetype/dejavu ]] || apt_install fonts-dejavu-core
  need_cmd pdftoppm poppler-utils
  log "installed (Pango for WeasyPrint; $(command -v pdftoppm))"
}

install_only "Pango and poppler-utils from Debian's packages" "$@"
