import type { WorkloadSpec } from "./spec";

const CONFIG = `server:
  port: 15000
  websocket_port: 15001
  prometheus_port: 8011
  worker_threads: 4
  connection_accept_timeout_s: 21600
database:
  pool_size: 8
  host: {{mariadb}}
  port: 3306
  user: faf-legacy-live-replay-server
  name: faf_lobby
storage:
  vault_path: /data/replays
  compression_level: 10
replay:
  forced_timeout_s: 18000
  time_with_zero_writers_to_end_replay_s: 30
  delay_s: 300
  update_interval_s: 1
  merge_quorum_size: 2
  stream_comparison_distance_b: 4096
`;

export const fafReplayServer: WorkloadSpec = {
  name: "faf-replay-server",
  description: "Live replay server: games stream to it on TCP 15000, viewers watch over websocket (replay-ws.<domain>)",
  // One identity on one volume: never two writers on the replay vault.
  controller: "StatefulSet",
  image: { repository: "faforever/faf-rust-replayserver", tag: "0.4.1" },
  ports: [
    { name: "replay-stream", port: 15000 },
    { name: "ws-replay", port: 15001 },
    { name: "metrics", port: 8011, exposed: false },
  ],
  tcpRoutes: [{ entryPoint: "replay-stream", port: "replay-stream" }],
  routes: [{ hosts: ["replay-ws"], port: "ws-replay" }],
  env: {
    RS_CONFIG_FILE: "/config/config.yaml",
    RUST_LOG: "info",
    RS_DB_USERNAME: "faf-legacy-live-replay-server",
    RS_DB_DATABASE: "faf_lobby",
  },
  files: [{ path: "/config/config.yaml", content: CONFIG }],
  secrets: { keys: ["RS_DB_PASSWORD"] },
  volumes: [{ volume: "faf-replays", mountPath: "/data/replays" }],
  databases: [{ engine: "mariadb", database: "faf_lobby", user: "faf-legacy-live-replay-server", passwordKey: "RS_DB_PASSWORD" }],
  requires: ["faf-db-migrations"],
  probes: {
    readiness: { tcp: { port: "replay-stream" }, periodSeconds: 10, failureThreshold: 3 },
    liveness: { http: { port: "metrics", path: "/" }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
  },
  metrics: { port: "metrics", path: "/" },
  resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } },
  // Streams end 30 s after the last writer leaves; give running games that long to finish writing.
  terminationGracePeriodSeconds: 60,
};
