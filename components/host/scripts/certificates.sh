# Prints the earliest expiry (UTC, ISO 8601) of k3s's leaf certificates. Reads only.
# k3s renews them when it starts within 120 days of expiry; CA certificates are not included.
earliest=""
for certificate in "$ROOT"/var/lib/rancher/k3s/server/tls/*.crt; do
  [ -e "$certificate" ] || fail "no certificates in /var/lib/rancher/k3s/server/tls. Fix: is k3s running? journalctl -u k3s"
  case "$(basename "$certificate")" in *-ca.crt) continue ;; esac
  end=$(openssl x509 -enddate -noout -in "$certificate")
  epoch=$(date -u -d "${end#notAfter=}" +%s)
  if [ -z "$earliest" ] || [ "$epoch" -lt "$earliest" ]; then earliest=$epoch; fi
done
[ -n "$earliest" ] || fail "no leaf certificates found in /var/lib/rancher/k3s/server/tls"
date -u -d "@$earliest" +%Y-%m-%dT%H:%M:%SZ
