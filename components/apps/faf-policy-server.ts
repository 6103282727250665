import type { WorkloadSpec } from "./spec";

export const fafPolicyServer: WorkloadSpec = {
  name: "faf-policy-server",
  description: "Login policy checks for the lobby server (uid verification, bans); in-cluster only, on faf_lobby",
  image: { repository: "faforever/faf-policy-server", tag: "v1.23" },
  ports: [{ name: "http", port: 8097 }],
  env: {
    APP_PORT: "8097",
    DATABASE_HOST: "{{mariadb}}",
    DATABASE_PORT: "3306",
    DATABASE_USER: "faf-policy-server",
    DATABASE_NAME: "faf_lobby",
    PYTHONPATH: ".",
  },
  secrets: {
    keys: ["DATABASE_PASSWORD", "FAF_PRIVATE_KEY", "GITHUB_TOKEN", "GITHUB_USER"],
    // The GitHub account the token belongs to; a laptop has no real one, any name will do.
    generate: { derived: { GITHUB_USER: "faf-policy-server" } },
  },
  // TODO(data): FAF fills /app/verifier with an init container (`alpine/git`) that clones the private
  // github.com/FAForever/uid-verifier.git with GITHUB_USER/GITHUB_TOKEN; the spec has no init
  // steps, so the directory stays empty until it does.
  scratch: [{ mountPath: "/app/verifier" }, { mountPath: "/tmp" }],
  databases: [{ engine: "mariadb", database: "faf_lobby", user: "faf-policy-server", passwordKey: "DATABASE_PASSWORD" }],
  requires: ["faf-db-migrations"],
  internet: { ports: [443], reason: "clones FAForever/uid-verifier from GitHub (FAF's init container, see TODO above)" },
  probes: {
    liveness: { http: { port: "http", path: "/health/alive" }, periodSeconds: 10, failureThreshold: 3 },
    readiness: { http: { port: "http", path: "/health/ready" }, periodSeconds: 5, failureThreshold: 2 },
  },
  // FAF sets no resources; a small Python web service.
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
};
