import { ERGO_AUTH_SCRIPT, ERGO_CONFIG_DIR, ERGO_DATA_DIR, ergoConfigYaml } from "./common/ergochat-config";
import type { WorkloadSpec } from "./spec";

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
  // FAF's whole ircd.yaml as typed data (ergochat-config.ts); the MySQL user, history database
  // and password come from the ERGO__DATASTORE__MYSQL__* variables. auth.sh is run through
  // /bin/sh: mounted config files are not executable.
  files: [
    { path: `${ERGO_CONFIG_DIR}/ircd.yaml`, content: ergoConfigYaml() },
    { path: ERGO_AUTH_SCRIPT, content: AUTH },
  ],
  secrets: { keys: ["ERGO__DATASTORE__MYSQL__PASSWORD"] },
  // ircd.db, its lock and FAF's TLS certificate (fullchain.pem, privkey.pem).
  volumes: [{ volume: "ergochat", mountPath: ERGO_DATA_DIR }],
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
