# /var/lib/rancher on a zvol formatted ext4: containerd's overlayfs snapshotter does not work
# on a ZFS upper dir. Created once; a zvol that holds a filesystem is never formatted again.
device="$ROOT/dev/zvol/$FAF_ZVOL"
if ! zfs list -H -o name "$FAF_ZVOL" >/dev/null 2>&1; then
  zfs create -p -V "$FAF_ZVOL_SIZE" -o compression=lz4 "$FAF_ZVOL"
  log "created zvol $FAF_ZVOL ($FAF_ZVOL_SIZE)"
fi
for _ in $(seq 1 30); do
  [ -e "$device" ] && break
  sleep 1
done
[ -e "$device" ] || fail "$device did not appear after creating $FAF_ZVOL. Fix: udevadm settle; ls -l /dev/zvol/$FAF_ZVOL"

fstype=$(blkid -o value -s TYPE "$device" || true)
case "$fstype" in
  "")
    mkfs.ext4 -q -L rancher "$device"
    log "formatted $device as ext4"
    ;;
  ext4) ;;
  *) fail "$device holds a $fstype filesystem, not ext4; it is left alone. Fix: point faf:host.containerStorage.zvol at a new zvol." ;;
esac

target="$ROOT/var/lib/rancher"
if ! mountpoint -q "$target"; then
  if [ -d "$target" ] && [ -n "$(ls -A "$target")" ]; then
    fail "/var/lib/rancher holds files but is not mounted from $FAF_ZVOL; mounting would hide them. Fix: systemctl stop k3s, move /var/lib/rancher/* onto the zvol (mount it elsewhere first), then run again."
  fi
  mkdir -p "$target"
  mount -t ext4 "$device" "$target"
  log "mounted $device at /var/lib/rancher"
fi
log "container storage ok: $FAF_ZVOL (ext4) at /var/lib/rancher"
