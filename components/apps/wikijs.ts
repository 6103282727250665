import type { WorkloadSpec } from "./spec";

export const wikijs: WorkloadSpec = {
  name: "wikijs",
  description: "Wiki.js 2, FAF's wiki (wiki.<domain>), on PostgreSQL",
  // FAF follows the major tag (Keel polls it hourly).
  image: { repository: "requarks/wiki", tag: "2" },
  ports: [{ name: "http", port: 3000 }],
  routes: [{ hosts: ["wiki"], port: "http" }],
  env: { DB_TYPE: "postgres", DB_HOST: "{{postgres}}", DB_PORT: "5432", DB_USER: "wikijs", DB_NAME: "wikijs" },
  // TODO(data): FAF adds a "faf-hydra" login module (ConfigMap wikijs-sso: definition.yml and
  // authentication.js, passport-openidconnect against Hydra, e-mail = <username>@faforever.com) at
  // /wiki/server/modules/authentication/faf-hydra/; the inventory describes it but does not hold
  // its text, so wiki logins with FAF accounts are missing until it is added as `files`.
  secrets: { keys: ["DB_PASS"] },
  scratch: [
    // Wiki.js keeps its caches and upload staging under data/ (content lives in PostgreSQL).
    { mountPath: "/wiki/data", sizeLimit: "1Gi" },
    { mountPath: "/tmp" },
  ],
  databases: [{ engine: "postgres", database: "wikijs", user: "wikijs", passwordKey: "DB_PASS" }],
  // FAF's numbers: /healthz for startup and liveness; readiness asks it more often.
  probes: {
    startup: { http: { port: "http", path: "/healthz" }, periodSeconds: 5, failureThreshold: 10 },
    liveness: { http: { port: "http", path: "/healthz" }, periodSeconds: 10, failureThreshold: 3 },
    readiness: { http: { port: "http", path: "/healthz" }, periodSeconds: 5, failureThreshold: 2 },
  },
  // FAF sets no resources; a Node.js server.
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
  // The image's `node` user, which owns /wiki.
  security: { runAsUser: 1000 },
};
