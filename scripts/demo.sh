#!/usr/bin/env bash
# npm run demo: package the extension, install the tools, and serve VS Code (code-server)
# on 127.0.0.1 with the .vsix installed and a workspace of sample sysdig dumps open, behind a
# password generated for the run and printed with the URL.
# Env: PORT (default: a free port), SCAP_LENS_TOOLS (tools folder, default <repo>/.tools),
#      SCAP_LENS_VSIX (serve this .vsix instead of packaging one).
# Everything the run writes is under <repo>/.e2e/demo; Ctrl+C stops code-server and its children.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# shellcheck source=e2e/codeserver.sh
source "$REPO/scripts/e2e/codeserver.sh"

# SCAP_LENS_VSIX=<file>: serve that already packaged .vsix instead of running npm run package.
VSIX="${SCAP_LENS_VSIX:-$REPO/scap-lens.vsix}"
if [ -z "${SCAP_LENS_VSIX:-}" ]; then
  echo "[demo] packaging the extension (npm run package)"
  npm run -s package > /dev/null
fi
bash "$REPO/scripts/tools.sh"
cs_check_tools

cs_prepare "$REPO/.e2e/demo"
WS="$RUN_DIR/workspace"
mkdir -p "$WS"
for f in seed-epipe.scap.txt revert-httpd-POST-single.scap.txt; do
  if [ -f "test/fixtures/$f" ]; then cp "test/fixtures/$f" "$WS/"; else echo "[demo] (skipping test/fixtures/$f: not there)"; fi
done
cs_install_vsix "$VSIX"

trap 'cs_stop; echo "[demo] stopped"' EXIT
trap 'exit 130' INT TERM
cs_start "${PORT:-$(free_port)}" "$WS"
cs_wait_healthy 60
echo
echo "[demo] Scap Lens in VS Code (code-server): $CS_URL/?folder=$WS"
echo "[demo] password (made for this run): $CS_PASSWORD"
echo "[demo] open seed-epipe.scap.txt; hover an fd, F12 on a write, Problems panel (Ctrl+Shift+M)."
echo "[demo] log: $RUN_DIR/code-server.log   Ctrl+C to stop."
wait "$CS_PID" || true
