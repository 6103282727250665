#!/usr/bin/env bash
# Test scaffolding shared by the fake host commands. The fakes keep their state in files under
# $FAKE_STATE and log every call; they are not a claim that the real commands behave so.
set -euo pipefail
: "${FAKE_STATE:?FAKE_STATE must point at the state directory of the simulated host}"
# Used by the fakes that source this file.
# shellcheck disable=SC2034
ROOT=${FAF_ROOT:-}
mkdir -p "$FAKE_STATE"

# log_call READ|MUTATE command args...
log_call() { printf '%s %s\n' "$1" "${*:2}" >>"$FAKE_STATE/calls.log"; }

# Fails the Nth call (FAKE_FAIL_AT, default 1) whose "command subcommand" is FAKE_FAIL_ONCE, once.
maybe_fail() {
  [ -n "${FAKE_FAIL_ONCE:-}" ] && [ "$1" = "$FAKE_FAIL_ONCE" ] || return 0
  [ -e "$FAKE_STATE/failed-once" ] && return 0
  local count=0
  [ -e "$FAKE_STATE/fail-count" ] && count=$(cat "$FAKE_STATE/fail-count")
  count=$((count + 1))
  echo "$count" >"$FAKE_STATE/fail-count"
  if [ "$count" -ge "${FAKE_FAIL_AT:-1}" ]; then
    touch "$FAKE_STATE/failed-once"
    echo "fake $1: injected failure" >&2
    exit 1
  fi
}

is_mounted() { grep -qxF "$1" "$FAKE_STATE/mounts" 2>/dev/null; }
add_mount() { is_mounted "$1" || echo "$1" >>"$FAKE_STATE/mounts"; }

# The NixOS system the files under /etc/nixos build to: a store directory named by their
# content, with a switch-to-configuration that makes it the running system. An import of the
# module and an empty module change nothing, as on NixOS. Prints the directory.
build_system() {
  local hash system
  hash=$(cd "$ROOT/etc/nixos" && find . -type f | sort | while read -r file; do
    [ "$(cat "$file")" = "{ ... }: { }" ] && continue
    printf '%s\n' "$file"
    sed 's# \./faf-k3s\.nix##' "$file"
  done | sha256sum | cut -c1-32)
  system="$ROOT/nix/store/$hash-nixos-system"
  mkdir -p "$system/bin"
  cat >"$system/bin/switch-to-configuration" <<SWITCH
#!/usr/bin/env bash
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/_common.sh"
log_call MUTATE switch-to-configuration "$system" "\$@"
ln -sfn "$system" "\$ROOT/run/current-system"
SWITCH
  chmod +x "$system/bin/switch-to-configuration"
  printf '%s\n' "$system"
}
