import type { WorkloadSpec } from "./spec";

const CONFIG = `CONFIGURATION_REFRESH_TIME: 60
LOG_LEVEL: "INFO"
WS_FORWARDED_IP_HEADER: "CF-Connecting-IP"
DB_SERVER: "{{mariadb}}"
DB_LOGIN: "faf-python-server"
DB_NAME: "faf_lobby"
MQ_SERVER: "{{rabbitmq}}"
MQ_PORT: 5672
MQ_VHOST: "/faf-core"
MQ_USER: "faf-lobby-server"
MQ_EXCHANGE_NAME: "faf-lobby"
ENABLE_METRICS: true
FAF_POLICY_SERVER_BASE_URL: "http://faf-policy-server:8097"
FORCE_STEAM_LINK: "true"
FORCE_STEAM_LINK_AFTER_DATE: 0
USE_API: false
PROFILING_INTERVAL: 4
LADDER_ANTI_REPETITION_LIMIT: 1
ALLOW_PASSWORD_LOGIN: false
LADDER_1V1_OUTCOME_OVERRIDE: false
MAXIMUM_RATING_IMBALANCE: 250
MAXIMUM_RATING_DEVIATION: 250
TIME_BONUS: 0.01
NEWBIE_TIME_BONUS: .25
MAXIMUM_NEWBIE_TIME_BONUS: 3.0
MINORITY_BONUS: 1
LADDER_TOP_PLAYER_SEARCH_EXPANSION_MAX: 0.5
LADDER_TOP_PLAYER_SEARCH_EXPANSION_STEP: 0.5
QUEUE_POP_TIME_MAX: 90
LADDER_VIOLATIONS_ENABLED: false
`;

export const fafLobbyServer: WorkloadSpec = {
  name: "faf-lobby-server",
  description: "The Python lobby server: clients connect over WebSocket (ws.<domain>, lobby.<domain>), matchmaking, games",
  // FAF's build, as FAF runs it in prod and test (docs/decisions/026).
  image: {
    repository: "faforever/faf-python-server",
    tag: "feat-login-avatar-id-sync",
    branchTagReason:
      "FAF runs this build: it serves WebSocket natively on 8003, which ws. and lobby. route to; the newest release (v1.14.0) predates that listener",
  },
  ports: [
    { name: "websocket", port: 8003 },
    { name: "metrics", port: 8011, exposed: false },
    { name: "control", port: 4000, exposed: false },
    // FAF probes /ready on 2000 without declaring it; declared here so the probes name it.
    { name: "health", port: 2000, exposed: false },
  ],
  routes: [{ hosts: ["lobby", "ws"], port: "websocket" }],
  env: {
    CONFIGURATION_FILE: "/config/config.yaml",
    MQ_USER: "faf-lobby-server",
    DB_LOGIN: "faf-python-server",
    DB_NAME: "faf_lobby",
    HYDRA_JWKS_URI: "https://hydra.{{baseDomain}}/.well-known/jwks.json",
  },
  files: [{ path: "/config/config.yaml", content: CONFIG }],
  secrets: { keys: ["DB_PASSWORD", "MQ_PASSWORD"] },
  scratch: [{ mountPath: "/tmp" }],
  databases: [{ engine: "mariadb", database: "faf_lobby", user: "faf-python-server", passwordKey: "DB_PASSWORD" }],
  // faf-lobby carries dotted routing keys (success.rating.update): a topic exchange.
  broker: {
    vhost: "/faf-core",
    user: "faf-lobby-server",
    passwordKey: "MQ_PASSWORD",
    exchanges: [{ name: "faf-lobby", type: "topic" }],
  },
  requires: ["faf-db-migrations", "faf-policy-server", "ory-hydra"],
  internet: { ports: [443], reason: "Hydra's JWKS on its public host (HYDRA_JWKS_URI)" },
  // FAF's probes: /ready on 2000 for startup and liveness; readiness asks the same endpoint more
  // often and takes the pod out of the Service at the first failure.
  probes: {
    startup: { http: { port: "health", path: "/ready" }, initialDelaySeconds: 10, periodSeconds: 3, failureThreshold: 30 },
    liveness: { http: { port: "health", path: "/ready" }, periodSeconds: 10, failureThreshold: 3 },
    readiness: { http: { port: "health", path: "/ready" }, periodSeconds: 5, failureThreshold: 1 },
  },
  metrics: { port: "metrics", path: "/" },
  // FAF sets no resources; thousands of WebSocket clients in one Python process.
  // TODO(data): faf-stack raised ulimits (nproc 65535, nofile 100000/200000); the spec cannot set them.
  resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "2Gi" } },
  // Running games finish before the old server stops (FAF: one hour).
  terminationGracePeriodSeconds: 3600,
};
