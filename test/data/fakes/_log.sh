# Shared by the fakes (test scaffolding): append the call to $FAKE_LOG.
# shellcheck shell=sh
printf '%s %s\n' "$(basename "$0")" "$*" >>"$FAKE_LOG"
