# Prints the admin kubeconfig. Its output is a secret: the step marks stdout secret and logs nothing.
file="$ROOT/etc/rancher/k3s/k3s.yaml"
[ -s "$file" ] || fail "no kubeconfig at /etc/rancher/k3s/k3s.yaml. Fix: is k3s running? journalctl -u k3s -n 200 --no-pager"
cat "$file"
