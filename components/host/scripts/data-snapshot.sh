# Snapshots the data services' datasets (FAF_SNAPSHOT_DATASETS, one per line) before `pulumi up`
# changes a data service, so a bad upgrade or migration can be rolled back with `zfs rollback`.
# One `zfs snapshot` call for all of them: the snapshots are taken atomically. The snapshot name
# carries the data services' generation (FAF_DATA_GENERATION), so a second run for the same
# generation takes none. Then it prunes its own snapshots (names pulumi-<UTC time>-<generation>,
# on these datasets only) older than FAF_SNAPSHOT_RETENTION_DAYS, always keeping each dataset's
# newest one; no other snapshot is ever touched.
require_host
generation=${FAF_DATA_GENERATION:0:12}
[[ "$generation" =~ ^[0-9a-f]{8,12}$ ]] || fail "FAF_DATA_GENERATION must be a hex hash, got '$FAF_DATA_GENERATION'"
[[ "$FAF_SNAPSHOT_RETENTION_DAYS" =~ ^[1-9][0-9]*$ ]] || fail "FAF_SNAPSHOT_RETENTION_DAYS must be a positive number of days, got '$FAF_SNAPSHOT_RETENTION_DAYS'"
ours='^pulumi-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8,12}$'
stamp=$(date -u +%Y%m%dT%H%M%SZ)
datasets=()
snapshots=()
while read -r dataset; do
  [ -n "$dataset" ] || continue
  if ! zfs list -H -o name "$dataset" >/dev/null 2>&1; then
    log "no dataset $dataset yet: nothing to snapshot"
    continue
  fi
  datasets+=("$dataset")
  existing=$(zfs list -H -o name -t snapshot -d 1 "$dataset")
  if grep -q -- "@pulumi-[0-9TZ]*-$generation\$" <<<"$existing"; then
    log "$dataset already has a snapshot of generation $generation"
  else
    snapshots+=("$dataset@pulumi-$stamp-$generation")
  fi
done <<<"$FAF_SNAPSHOT_DATASETS"
if [ "${#snapshots[@]}" -gt 0 ]; then
  zfs snapshot "${snapshots[@]}"
  log "snapshot before data-service change (generation $generation): ${snapshots[*]}"
  log "list: zfs list -t snapshot -o name,creation,used | grep @pulumi- ; roll back one: zfs rollback <snapshot> (stop its service first)"
elif [ "${#datasets[@]}" -eq 0 ]; then
  log "no data service dataset exists yet (generation $generation): no snapshot"
fi

cutoff=$(date -u -d "@$(($(date -u +%s) - FAF_SNAPSHOT_RETENTION_DAYS * 86400))" +%Y%m%dT%H%M%SZ)
for dataset in "${datasets[@]}"; do
  mine=()
  while read -r snapshot; do
    name=${snapshot#*@}
    [ "${snapshot%@*}" = "$dataset" ] && [[ "$name" =~ $ours ]] && mine+=("$name")
  done < <(zfs list -H -o name -t snapshot -d 1 "$dataset")
  [ "${#mine[@]}" -gt 1 ] || continue
  newest=$(printf '%s\n' "${mine[@]}" | sort | tail -n 1)
  for name in "${mine[@]}"; do
    [ "$name" = "$newest" ] && continue
    taken=${name#pulumi-}
    taken=${taken%-*}
    [[ "$taken" < "$cutoff" ]] || continue
    zfs destroy "$dataset@$name"
    log "pruned $dataset@$name (older than $FAF_SNAPSHOT_RETENTION_DAYS days)"
  done
done
