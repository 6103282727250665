# Runs when the dataset step is deleted (pulumi destroy, or the host leaves the stack).
# Destroys nothing: it lists what stays behind, so the log says where the data is.
while IFS='|' read -r dataset mountpoint _rest; do
  [ -n "$dataset" ] || continue
  if zfs list -H -o name "$dataset" >/dev/null 2>&1; then
    log "kept $dataset at $mountpoint ($(zfs get -H -o value used "$dataset") used); pulumi never destroys data: zfs destroy $dataset by hand if you mean to"
  fi
done <<<"$FAF_DATASETS"
