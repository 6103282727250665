import type { WorkloadSpec } from "./spec";

/**
 * Ergo's config with the settings FAF's ircd.yaml is known to have; everything else is Ergo's
 * default. TODO(data): FAF's own ircd.yaml (~1000 lines) is not in the inventory; compare before prod.
 * The MySQL user, history database and password come from ERGO__DATASTORE__MYSQL__* variables.
 */
const IRCD = `network:
  name: "{{baseDomain}}"
server:
  name: "{{baseDomain}}"
  listeners:
    ":6667": { proxy: true }
    ":6697":
      tls: { cert: /data/fullchain.pem, key: /data/privkey.pem }
      proxy: true
      min-tls-version: 1.2
    ":8097": { websocket: true }
  # Traefik reaches the pod from the cluster network; trusted for PROXY and X-Forwarded-For.
  proxy-allowed-from: [localhost, 10.0.0.0/8]
  sts: { enabled: false }
  casemapping: ascii
  enforce-utf8: true
  max-sendq: 96k
  ip-cloaking: { enabled: true, netname: irc, cidr-len-ipv4: 32, cidr-len-ipv6: 64, num-bits: 64 }
accounts:
  authentication-enabled: true
  login-via-pass-command: true
  nick-reservation: { enabled: true, method: strict, force-nick-equals-account: true }
  multiclient: { enabled: true, allowed-by-default: true, always-on: opt-in, auto-away: opt-in }
  # FAF accounts: the user service checks each login (auth.sh posts it there).
  auth-script:
    enabled: true
    command: /bin/sh
    args: [/ircd/auth.sh, "http://faf-user-service:8080/irc/ergochat/login"]
    autocreate: true
    timeout: 9s
    kill-timeout: 1s
    max-concurrency: 64
channels:
  default-modes: +ntC
  registration: { enabled: true }
fakelag: { enabled: true, window: 1s, burst-limit: 5, messages-per-window: 2, cooldown: 2s }
logging:
  - { method: stderr, type: "* -userinput -useroutput", level: info }
lock-file: /data/ircd.lock
datastore:
  path: /data/ircd.db
  autoupgrade: true
  mysql: { enabled: true, host: "{{mariadb}}", port: 3306, timeout: 3s, max-conns: 4 }
limits: { nicklen: 32, identlen: 20, realnamelen: 150, channellen: 64, awaylen: 390, kicklen: 390, topiclen: 390 }
history:
  enabled: true
  channel-length: 2048
  client-length: 256
  chathistory-maxmessages: 1000
  persistent: { enabled: true, registered-channels: mandatory, direct-messages: mandatory }
allow-environment-overrides: true
`;

/** Ergo writes the login attempt as one JSON line and waits for one JSON line back. */
const AUTH = `#!/bin/sh
read -r attempt
wget -q -O - --header "Content-Type: application/json" --post-data "$attempt" "$1"
echo
`;

export const ergochat: WorkloadSpec = {
  name: "ergochat",
  description: "IRC server for the client's chat (chat.<domain> over WebSocket); logins checked by faf-user-service",
  // One writer on ircd.db and its lock file.
  controller: "StatefulSet",
  // FAF's command installs tini with apk at start (root, internet); the image's own run.sh is used
  // instead: it makes missing TLS certificates in /data and runs ergo with /ircd/ircd.yaml.
  image: { repository: "faforever/ergochat", tag: "v2.16.0-1" },
  ports: [
    { name: "irc-plain", port: 6667 },
    { name: "irc-tls", port: 6697 },
    { name: "websocket", port: 8097 },
  ],
  // IRC 6667/6697 have no Traefik route in FAF; only the WebSocket listener is public.
  routes: [{ hosts: ["chat"], port: "websocket" }],
  env: { ERGO__DATASTORE__MYSQL__USER: "ergochat", ERGO__DATASTORE__MYSQL__HISTORY_DATABASE: "ergochat" },
  // auth.sh is run through /bin/sh: mounted config files are not executable.
  files: [
    { path: "/ircd/ircd.yaml", content: IRCD },
    { path: "/ircd/auth.sh", content: AUTH },
  ],
  secrets: { keys: ["ERGO__DATASTORE__MYSQL__PASSWORD"] },
  // ircd.db, its lock and FAF's TLS certificate (fullchain.pem, privkey.pem).
  volumes: [{ volume: "ergochat", mountPath: "/data" }],
  databases: [{ engine: "mariadb", database: "ergochat", user: "ergochat", passwordKey: "ERGO__DATASTORE__MYSQL__PASSWORD" }],
  requires: ["faf-user-service"],
  // FAF sets no probes.
  probes: {
    liveness: { tcp: { port: "irc-plain" }, periodSeconds: 20, failureThreshold: 3 },
    readiness: { tcp: { port: "websocket" }, periodSeconds: 10, failureThreshold: 2 },
  },
  // FAF sets no resources; a Go server with a few hundred clients.
  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "512Mi" } },
};
