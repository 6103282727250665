# Waits for k3s, its API server and the node to be Ready. Reads only.
deadline=$((SECONDS + FAF_TIMEOUT))
waiting_for() {
  [ "$SECONDS" -lt "$deadline" ] ||
    fail "$1 after ${FAF_TIMEOUT}s. Look at: journalctl -u k3s -n 200 --no-pager (and systemctl status k3s) on $HOST."
  sleep 2
}
until systemctl is-active --quiet k3s; do waiting_for "k3s is not running"; done
until k3s kubectl get --raw=/readyz >/dev/null 2>&1; do waiting_for "the API server is not ready"; done
jsonpath='{.status.conditions[?(@.type=="Ready")].status}'
until [ "$(k3s kubectl get node "$FAF_NODE" -o "jsonpath=$jsonpath" 2>/dev/null)" = True ]; do
  waiting_for "node $FAF_NODE is not Ready"
done
log "k3s ready: API server up, node $FAF_NODE Ready"
