# Snapshots the data services' datasets (FAF_SNAPSHOT_DATASETS, one per line) before `pulumi up`
# changes a data service, so a bad upgrade or migration can be rolled back with `zfs rollback`.
# One `zfs snapshot` call for all of them: the snapshots are taken atomically. It only ever
# creates snapshots; FAF_DATA_GENERATION (a hash of the data services) makes it run on a change.
stamp=$(date -u +%Y%m%dT%H%M%SZ)
snapshots=()
while read -r dataset; do
  [ -n "$dataset" ] || continue
  if zfs list -H -o name "$dataset" >/dev/null 2>&1; then
    snapshots+=("$dataset@pulumi-$stamp")
  else
    log "no dataset $dataset yet: nothing to snapshot"
  fi
done <<<"$FAF_SNAPSHOT_DATASETS"
if [ "${#snapshots[@]}" -eq 0 ]; then
  log "no data service dataset exists yet (generation $FAF_DATA_GENERATION): no snapshot"
  exit 0
fi
zfs snapshot "${snapshots[@]}"
log "snapshot before data-service change (generation $FAF_DATA_GENERATION): ${snapshots[*]}"
log "list: zfs list -t snapshot -o name,creation,used | grep @pulumi- ; roll back one: zfs rollback <snapshot> (stop its service first)"
