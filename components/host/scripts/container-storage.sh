# /var/lib/rancher on a zvol formatted ext4: containerd's overlayfs snapshotter does not work
# on a ZFS upper dir. It holds k3s's datastore, so only a zvol that this very run created is
# ever formatted: a zvol that existed before and looks blank (blkid found nothing, or failed)
# is refused, never formatted.
require_host
device="$ROOT/dev/zvol/$FAF_ZVOL"
created=no
if zfs list -H -o name "$FAF_ZVOL" >/dev/null 2>&1; then
  [ "$(zfs get -H -o value type "$FAF_ZVOL")" = volume ] ||
    fail "$FAF_ZVOL exists but is a $(zfs get -H -o value type "$FAF_ZVOL"), not a zvol; it is left alone. Fix: set faf:host.containerStorage.zvol to a new zvol name."
  have=$(zfs get -Hp -o value volsize "$FAF_ZVOL")
  want=$(numfmt --from=iec "$FAF_ZVOL_SIZE")
  if [ "$have" != "$want" ]; then
    log "WARNING: zvol $FAF_ZVOL is $(numfmt --to=iec "$have") but faf:host.containerStorage.size says $FAF_ZVOL_SIZE; it is not resized by this step. To grow it: zfs set volsize=$FAF_ZVOL_SIZE $FAF_ZVOL && resize2fs $device (online, k3s may keep running). A smaller size is never applied: shrinking would cut the filesystem; set the size back to $(numfmt --to=iec "$have")."
  fi
else
  zfs create -p -V "$FAF_ZVOL_SIZE" -o compression=lz4 "$FAF_ZVOL"
  created=yes
  log "created zvol $FAF_ZVOL ($FAF_ZVOL_SIZE)"
fi
for _ in $(seq 1 30); do
  [ -e "$device" ] && break
  sleep 1
done
[ -e "$device" ] || fail "$device did not appear. Fix: udevadm settle; ls -l /dev/zvol/$FAF_ZVOL"

status=0
fstype=$(blkid -o value -s TYPE "$device" </dev/null) || status=$?
case "$fstype" in
  "")
    [ "$created" = yes ] ||
      fail "$device existed before this run and blkid finds no filesystem on it (exit $status); it is not formatted, because it may hold k3s's datastore. Fix: inspect it (blkid -p $device; file -s $device; mount -o ro $device /mnt). If it is really empty and unused, format it by hand (mkfs.ext4 -L rancher $device) and run again; otherwise point faf:host.containerStorage.zvol at a new zvol."
    mkfs.ext4 -q -L rancher "$device" </dev/null
    log "formatted the new zvol $device as ext4"
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
