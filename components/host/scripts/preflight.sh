# Preflight: is this a NixOS machine with a healthy pool and the commands the steps use?
# Reads only. Every later step depends on it.
[ -e "$ROOT/etc/NIXOS" ] || fail "this machine is not NixOS (no /etc/NIXOS). Fix: these steps configure k3s through NixOS; use the kubernetes setting for other clusters."
[ -f "$ROOT$FAF_NIXOS_CONFIG" ] || fail "no NixOS configuration at $FAF_NIXOS_CONFIG. Fix: set faf:host.nixosConfig to the file nixos-rebuild builds."

missing=()
for command in zfs zpool nixos-rebuild systemctl blkid mkfs.ext4 mount mountpoint sha256sum openssl base64; do
  command -v "$command" >/dev/null 2>&1 || missing+=("$command")
done
if [ "${#missing[@]}" -gt 0 ]; then
  fail "missing commands: ${missing[*]}. Fix: enable ZFS (boot.supportedFilesystems = [ \"zfs\" ]) and add e2fsprogs, openssl and util-linux to environment.systemPackages, then nixos-rebuild switch."
fi

health=$(zpool list -H -o health "$FAF_POOL" 2>/dev/null) ||
  fail "ZFS pool $FAF_POOL not found. Fix: import it (zpool import $FAF_POOL) or set faf:host.pool to one of: $(zpool list -H -o name 2>/dev/null | tr '\n' ' ')"
[ "$health" = ONLINE ] || fail "ZFS pool $FAF_POOL is $health, not ONLINE. Fix: zpool status -v $FAF_POOL, and repair it before provisioning."

log "preflight ok: NixOS, pool $FAF_POOL ONLINE, all commands present"
