# Prelude of every host step (components/host/steps.ts puts it first). Paths are under
# FAF_ROOT, empty on a real host; the simulated-host tests point it at a temporary directory.
set -euo pipefail
# shellcheck disable=SC2034 # steps that touch no files leave it unused
ROOT=${FAF_ROOT:-}
HOST=$(hostname)
log() { printf 'faf[%s]: %s\n' "$HOST" "$*"; }
fail() {
  printf 'faf[%s]: ERROR: %s\n' "$HOST" "$*" >&2
  exit 1
}
