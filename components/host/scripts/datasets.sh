# One ZFS dataset per managed volume, from the storage table (FAF_DATASETS, one per line:
# dataset|mountpoint|size|size bytes|recordsize|compression). An existing dataset is adopted
# only when it is mounted at its path (otherwise a database would start fresh in an empty
# directory of the parent dataset); data is never moved, shadowed or destroyed.
# The size is a refquota: it counts the live data only, so snapshots never eat a volume's room.
require_host
created=0
corrected=0
# Adopts nothing that is not mounted where the table says; names the cause and the fix.
require_mounted() { # dataset mountpoint
  local dataset=$1 mountpoint=$2 current canmount keystatus
  current=$(zfs get -H -o value mountpoint "$dataset")
  if [ "$current" = legacy ]; then
    fail "dataset $dataset has mountpoint=legacy (mounted by fstab, if at all), not $mountpoint. Fix: in a maintenance window, stop what uses it, remove its fileSystems entry and run: zfs set mountpoint=$mountpoint $dataset (this step never moves data)."
  fi
  [ "$current" = "$mountpoint" ] ||
    fail "dataset $dataset is mounted at $current, not $mountpoint. Fix: in a maintenance window, stop what uses it and run: zfs set mountpoint=$mountpoint $dataset (this step never moves data)."
  canmount=$(zfs get -H -o value canmount "$dataset")
  [ "$canmount" != off ] ||
    fail "dataset $dataset has canmount=off, so nothing is mounted at $mountpoint and a volume there would write into the parent dataset. Fix: zfs set canmount=on $dataset && zfs mount $dataset"
  keystatus=$(zfs get -H -o value keystatus "$dataset")
  [ "$keystatus" != unavailable ] ||
    fail "dataset $dataset is encrypted and its key is not loaded, so it is not mounted at $mountpoint. Fix: zfs load-key $dataset && zfs mount $dataset"
  if [ "$(zfs get -H -o value mounted "$dataset")" != yes ] || ! mountpoint -q "$ROOT$mountpoint"; then
    fail "dataset $dataset is not mounted at $mountpoint; a volume there would write into the parent dataset. Fix: zfs mount $dataset (and look at zpool status / journalctl -u zfs-mount for why it was not)."
  fi
}

while IFS='|' read -r dataset mountpoint size size_bytes recordsize compression; do
  [ -n "$dataset" ] || continue
  if zfs list -H -o name "$dataset" >/dev/null 2>&1; then
    require_mounted "$dataset" "$mountpoint"
    used=$(zfs get -Hp -o value referenced "$dataset")
    for property in "recordsize=$recordsize" "compression=$compression" "atime=off" "refquota=$size"; do
      key=${property%%=*}
      want=${property#*=}
      have=$(zfs get -H -o value "$key" "$dataset")
      [ "$have" = "$want" ] && continue
      if [ "$key" = refquota ] && [ "$used" -gt "$size_bytes" ]; then
        log "WARNING: $dataset holds $used bytes, more than its size $size; refquota left at $have. Fix: raise the volume's size in the storage table."
        continue
      fi
      zfs set "$property" "$dataset"
      log "corrected $key of $dataset: $have -> $want"
      corrected=$((corrected + 1))
    done
    # Earlier versions set quota (which counts snapshots) to the size; refquota replaces it.
    # A quota of any other value was set by someone else and is left alone.
    if [ "$(zfs get -H -o value quota "$dataset")" = "$size" ]; then
      zfs set quota=none "$dataset"
      log "corrected quota of $dataset: $size -> none (the size is its refquota now)"
      corrected=$((corrected + 1))
    fi
  else
    target="$ROOT$mountpoint"
    if [ -d "$target" ] && [ -n "$(ls -A "$target")" ] && ! mountpoint -q "$target"; then
      fail "$mountpoint already holds files, but no dataset $dataset exists; creating it would hide them. Fix: move the files into a new dataset by hand (zfs create -o mountpoint=$mountpoint.new $dataset, copy, swap mountpoints), then run again."
    fi
    zfs create -p -o mountpoint="$mountpoint" -o refquota="$size" -o recordsize="$recordsize" \
      -o compression="$compression" -o atime=off "$dataset"
    log "created $dataset at $mountpoint (refquota $size)"
    created=$((created + 1))
    require_mounted "$dataset" "$mountpoint"
  fi
done <<<"$FAF_DATASETS"

# Datasets below the parent that the table no longer lists: reported, never destroyed.
while read -r dataset; do
  [ "$dataset" = "$FAF_DATASET_PARENT" ] && continue
  grep -q "^$dataset|" <<<"$FAF_DATASETS" || log "not managed any more, kept: $dataset (destroy it by hand if you mean to)"
done < <(zfs list -H -o name -d 1 "$FAF_DATASET_PARENT" 2>/dev/null || true)

log "datasets ok: $created created, $corrected properties corrected"
