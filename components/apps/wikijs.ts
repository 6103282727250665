import type { WorkloadSpec } from "./spec";
import { WIKI_LOGIN_ENV, WIKI_LOGIN_FILES, WIKI_LOGIN_SECRET_VARIABLE } from "./common/wikijs-login";

export const wikijs: WorkloadSpec = {
  name: "wikijs",
  description: "Wiki.js 2, FAF's wiki (wiki.<domain>), on PostgreSQL",
  // FAF follows the major tag (Keel polls it hourly).
  image: { repository: "requarks/wiki", tag: "2" },
  ports: [{ name: "http", port: 3000 }],
  routes: [{ hosts: ["wiki"], port: "http" }],
  env: {
    DB_TYPE: "postgres",
    DB_HOST: "{{postgres}}",
    DB_PORT: "5432",
    DB_USER: "wikijs",
    DB_NAME: "wikijs",
    ...WIKI_LOGIN_ENV,
  },
  // The FAF login module (wikijs-login.ts). An admin enables the `faf-hydra` strategy once on the
  // admin page (Wiki.js keeps which strategies are on in its database); client and endpoints
  // come from here.
  files: WIKI_LOGIN_FILES,
  secrets: {
    keys: ["DB_PASS", "OAUTH_SECRET"],
    env: ["DB_PASS"],
    aliases: { [WIKI_LOGIN_SECRET_VARIABLE]: "OAUTH_SECRET" },
  },
  scratch: [
    // Wiki.js keeps its caches and upload staging under data/ (content lives in PostgreSQL).
    { mountPath: "/wiki/data", sizeLimit: "1Gi" },
    { mountPath: "/tmp" },
  ],
  databases: [{ engine: "postgres", database: "wikijs", user: "wikijs", passwordKey: "DB_PASS" }],
  // Hydra registers the wiki's client before the wiki starts and answers its token calls.
  requires: ["ory-hydra"],
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
