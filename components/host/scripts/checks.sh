# The host checks every mutating step runs first, on every run that executes it (a step runs
# only when its own inputs change, so a check made once by an earlier step proves nothing now).
# Reads only.
require_host() {
  [ -e "$ROOT/etc/NIXOS" ] || fail "this machine is not NixOS (no /etc/NIXOS). Fix: these steps configure k3s through NixOS; use the kubernetes setting for other clusters."
  [ -f "$ROOT$FAF_NIXOS_CONFIG" ] || fail "no NixOS configuration at $FAF_NIXOS_CONFIG. Fix: set faf:host.nixosConfig to the file nixos-rebuild builds."

  local missing=() command
  for command in zfs zpool nixos-rebuild nix-instantiate nix-env systemctl blkid mkfs.ext4 mount mountpoint sha256sum openssl base64; do
    command -v "$command" >/dev/null 2>&1 || missing+=("$command")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    fail "missing commands: ${missing[*]}. Fix: enable ZFS (boot.supportedFilesystems = [ \"zfs\" ]) and add e2fsprogs, openssl and util-linux to environment.systemPackages, then nixos-rebuild switch."
  fi

  local health
  health=$(zpool list -H -o health "$FAF_POOL" 2>/dev/null) ||
    fail "ZFS pool $FAF_POOL not found. Fix: import it (zpool import $FAF_POOL) or set faf:host.pool to one of: $(zpool list -H -o name 2>/dev/null | tr '\n' ' ')"
  [ "$health" = ONLINE ] || fail "ZFS pool $FAF_POOL is $health, not ONLINE; nothing was changed. Fix: zpool status -v $FAF_POOL, and repair it before provisioning."
}
