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
