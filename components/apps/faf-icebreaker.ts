import type { WorkloadSpec } from "./spec";

export const fafIcebreaker: WorkloadSpec = {
  name: "faf-icebreaker",
  description: "ICE/TURN session broker for game connections (api.<domain>/ice): relay servers, credentials, GeoIP",
  // TODO(data): FAF's test runs the `main` branch build, which the catalogue rejects (not a release);
  // every environment runs prod's release until test names a pinned build.
  image: { repository: "faforever/faf-icebreaker", tag: "1.2.1" },
  ports: [{ name: "http", port: 8080 }],
  routes: [{ hosts: ["api"], pathPrefix: "/ice", port: "http", middlewares: ["stripprefix"] }],
  middlewares: { stripprefix: { stripPrefix: { prefixes: ["/ice"] } } },
  env: {
    ENVIRONMENT: "{{environment}}",
    HYDRA_URL: "https://hydra.{{baseDomain}}",
    SELF_URL: "https://ice.{{baseDomain}}",
    DB_USERNAME: "faf-icebreaker",
    DB_NAME: "faf-icebreaker",
    DB_URL: "jdbc:mariadb://{{mariadb}}:3306/faf-icebreaker?ssl=false",
    // TODO(data): FAF sets no RabbitMQ vhost for icebreaker, but its broker user is granted /faf-core only.
    RABBITMQ_HOST: "{{rabbitmq}}",
    RABBITMQ_USER: "faf-icebreaker",
    RABBITMQ_PORT: "5672",
    CLOUDFLARE_ENABLED: "false",
    XIRSYS_ENABLED: "false",
    XIRSYS_TURN_ENABLED: "false",
    GEOIPUPDATE_EDITION_IDS: "GeoLite2-City",
    // TODO(data): Loki lives in faf-ops and is no catalogue workload, so no egress is admitted to it.
    LOKI_BASE_URL: "http://monitoring-loki-gateway.faf-ops.svc",
    FORCE_RELAY: "false",
    QUARKUS_LOG_CATEGORY__COM_FAFOREVER__LEVEL: "DEBUG",
  },
  secrets: {
    keys: [
      "CLOUDFLARE_TURN_KEY_API_KEY",
      "CLOUDFLARE_TURN_KEY_ID",
      "DB_PASSWORD",
      "GEOIPUPDATE_ACCOUNT_ID",
      "GEOIPUPDATE_LICENSE_KEY",
      "HETZNER_API_KEY",
      "JWT_PRIVATE_KEY_PATH",
      "JWT_PUBLIC_KEY_PATH",
      "RABBITMQ_PASSWORD",
      "XIRSYS_IDENT",
      "XIRSYS_SECRET",
    ],
    generate: {
      // FAF keeps the PEM contents themselves in these keys, despite their names.
      keyPairs: [{ privateKey: "JWT_PRIVATE_KEY_PATH", publicKey: "JWT_PUBLIC_KEY_PATH" }],
      // Account identifiers, not passwords; a laptop has Cloudflare, Xirsys and GeoIP updates off.
      derived: { CLOUDFLARE_TURN_KEY_ID: "disabled", GEOIPUPDATE_ACCOUNT_ID: "0", XIRSYS_IDENT: "disabled" },
    },
  },
  // GeoLite2-City is about 70 MB, and an update writes the new copy beside the old before the swap.
  scratch: [{ mountPath: "/geoip", sizeLimit: "256Mi" }, { mountPath: "/tmp" }],
  // FAF's `geolite-db-dl`: every pod start downloads the GeoLite database (GEOIPUPDATE_EDITION_IDS
  // above) into /geoip with the workload's MaxMind account, and nothing else of its Secret.
  init: [
    {
      name: "geolite-db-dl",
      image: { repository: "ghcr.io/maxmind/geoipupdate", tag: "v7.1.1" },
      // Frequency 0: download once and exit (the image's entry script loops otherwise).
      env: { GEOIPUPDATE_DB_DIR: "/geoip", GEOIPUPDATE_FREQUENCY: "0" },
      secretKeys: ["GEOIPUPDATE_ACCOUNT_ID", "GEOIPUPDATE_LICENSE_KEY"],
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
      only: {
        environments: ["prod", "test"],
        reason: "a laptop has no MaxMind account (its generated key would fail the download); FAF's Tilt drops the step too",
      },
    },
  ],
  databases: [{ engine: "mariadb", database: "faf-icebreaker", user: "faf-icebreaker", passwordKey: "DB_PASSWORD" }],
  broker: { vhost: "/faf-core", user: "faf-icebreaker", passwordKey: "RABBITMQ_PASSWORD" },
  requires: ["ory-hydra"],
  internet: {
    ports: [443],
    reason: "MaxMind GeoLite downloads, Hetzner, Cloudflare and Xirsys TURN APIs; Hydra on its public host (HYDRA_URL)",
  },
  probes: {
    startup: { http: { port: "http", path: "/q/health" }, periodSeconds: 3, failureThreshold: 10 },
    liveness: { http: { port: "http", path: "/q/health/live" }, periodSeconds: 10, failureThreshold: 3 },
    readiness: { http: { port: "http", path: "/q/health/ready" }, periodSeconds: 5, failureThreshold: 2 },
  },
  metrics: { port: "http", path: "/q/metrics" },
  // FAF sets no resources; a Quarkus JVM service.
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
};
