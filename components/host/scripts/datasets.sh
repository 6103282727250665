# One ZFS dataset per managed volume, from the storage table (FAF_DATASETS, one per line:
# dataset|mountpoint|quota|quota bytes|recordsize|compression). Existing datasets are adopted
# and drifted properties corrected; data is never moved, shadowed or destroyed.
created=0
corrected=0
while IFS='|' read -r dataset mountpoint quota quota_bytes recordsize compression; do
  [ -n "$dataset" ] || continue
  if zfs list -H -o name "$dataset" >/dev/null 2>&1; then
    current=$(zfs get -H -o value mountpoint "$dataset")
    if [ "$current" != "$mountpoint" ] && [ "$current" != legacy ]; then
      fail "dataset $dataset is mounted at $current, not $mountpoint. Fix: in a maintenance window, stop what uses it and run: zfs set mountpoint=$mountpoint $dataset (this step never moves data)."
    fi
    used=$(zfs get -Hp -o value used "$dataset")
    for property in "recordsize=$recordsize" "compression=$compression" "atime=off" "quota=$quota"; do
      key=${property%%=*}
      want=${property#*=}
      have=$(zfs get -H -o value "$key" "$dataset")
      [ "$have" = "$want" ] && continue
      if [ "$key" = quota ] && [ "$used" -gt "$quota_bytes" ]; then
        log "WARNING: $dataset uses $used bytes, more than its size $quota; quota left at $have. Fix: raise the volume's size in the storage table."
        continue
      fi
      zfs set "$property" "$dataset"
      log "corrected $key of $dataset: $have -> $want"
      corrected=$((corrected + 1))
    done
  else
    target="$ROOT$mountpoint"
    if [ -d "$target" ] && [ -n "$(ls -A "$target")" ] && ! mountpoint -q "$target"; then
      fail "$mountpoint already holds files, but no dataset $dataset exists; creating it would hide them. Fix: move the files into a new dataset by hand (zfs create -o mountpoint=$mountpoint.new $dataset, copy, swap mountpoints), then run again."
    fi
    zfs create -p -o mountpoint="$mountpoint" -o quota="$quota" -o recordsize="$recordsize" \
      -o compression="$compression" -o atime=off "$dataset"
    log "created $dataset at $mountpoint (quota $quota)"
    created=$((created + 1))
  fi
done <<<"$FAF_DATASETS"

# Datasets below the parent that the table no longer lists: reported, never destroyed.
while read -r dataset; do
  [ "$dataset" = "$FAF_DATASET_PARENT" ] && continue
  grep -q "^$dataset|" <<<"$FAF_DATASETS" || log "not managed any more, kept: $dataset (destroy it by hand if you mean to)"
done < <(zfs list -H -o name -d 1 "$FAF_DATASET_PARENT" 2>/dev/null || true)

log "datasets ok: $created created, $corrected properties corrected"
