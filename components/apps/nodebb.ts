import { CLIENT_IDS } from "./oauth-clients";
import type { WorkloadSpec } from "./spec";

/**
 * NodeBB's config file, kept in the secret store as key `config.json` (it holds the MongoDB
 * password). A laptop generates it in FAF's local shape. NodeBB also signs sessions with
 * `secret`, which has no key of its own in FAF's list: the laptop reuses the generated OAuth
 * client secret for it (prod's file comes whole from Infisical).
 */
const LAPTOP_CONFIG = JSON.stringify({
  url: "https://forum.{{baseDomain}}",
  secret: "{{secret:OAUTH_SECRET}}",
  database: "mongo",
  port: 4567,
  mongo: {
    host: "{{mongodb}}",
    port: 27017,
    username: "nodebb",
    password: "{{secret:MONGO_NODEBB_PASSWORD}}",
    database: "nodebb",
  },
});

/**
 * The FAF login (nodebb-plugin-sso-oauth-faforever), declared here rather than in the `oauth`
 * block of FAF's config.json: NodeBB reads its settings through nconf, environment first, with
 * `__` as the separator (so `oauth__id` is the plugin's `oauth:id`; names are case-sensitive).
 * The plugin sends the browser back to `<url>/auth/faf-nodebb/callback`, the forum client's
 * redirect URI; the client secret is the key the client's reconcile Job registers.
 */
export const FORUM_LOGIN_ENV = {
  url: "https://forum.{{baseDomain}}",
  // The browser goes to Hydra's public host; the token and profile calls stay in the cluster.
  oauth__authorizationURL: "https://hydra.{{baseDomain}}/oauth2/auth",
  oauth__tokenURL: "http://ory-hydra:4444/oauth2/token",
  oauth__fafApiProfileURL: "http://faf-api:8010/me",
  oauth__id: CLIENT_IDS.forum,
  oauth__scope: "public_profile lobby",
} as const;
/** The plugin's name in NodeBB, part of its callback path. */
export const FORUM_LOGIN_STRATEGY = "faf-nodebb";

export const nodebb: WorkloadSpec = {
  name: "nodebb",
  description: "NodeBB forum (forum.<domain>) with FAF login through Hydra, on MongoDB",
  image: { repository: "ghcr.io/nodebb/nodebb", tag: "4.12" },
  // FAF's command: the FAF login plugin is installed on every start, then NodeBB builds and runs.
  command: ["sh", "-c", "npm install nodebb-plugin-sso-oauth-faforever && exec tini -- entrypoint.sh"],
  // FAF declares no container port; the Service's 4567 is NodeBB's.
  ports: [{ name: "http", port: 4567 }],
  routes: [{ hosts: ["forum"], port: "http" }],
  env: { MONGODB_USER: "nodebb", MONGODB_DATABASE: "nodebb", FORCE_BUILD_BEFORE_START: "true", ...FORUM_LOGIN_ENV },
  secrets: {
    keys: ["MONGO_NODEBB_PASSWORD", "OAUTH_SECRET", "config.json"],
    files: [{ key: "config.json", path: "/opt/config/config.json" }],
    env: ["MONGO_NODEBB_PASSWORD"],
    aliases: { oauth__secret: "OAUTH_SECRET" },
    generate: { derived: { "config.json": LAPTOP_CONFIG } },
  },
  volumes: [
    { volume: "nodebb", mountPath: "/usr/src/app/node_modules", subPath: "node_modules" },
    { volume: "nodebb", mountPath: "/usr/src/app/build", subPath: "build" },
    { volume: "nodebb", mountPath: "/usr/src/app/public/uploads", subPath: "uploads" },
  ],
  scratch: [{ mountPath: "/tmp" }],
  databases: [{ engine: "mongodb", database: "nodebb", user: "nodebb", passwordKey: "MONGO_NODEBB_PASSWORD" }],
  // TODO(data): faf-api also calls nodebb (NODEBB_BASE_URL, NODEBB_MASTER_TOKEN); `requires` in both
  // directions would be a cycle, so faf-api's egress to nodebb is not admitted yet.
  requires: ["faf-api", "ory-hydra"],
  internet: { ports: [443], reason: "npm install of nodebb-plugin-sso-oauth-faforever on every start (FAF's command)" },
  probes: {
    // npm install and the asset build run before NodeBB listens: allow ten minutes.
    startup: { http: { port: "http", path: "/sping" }, periodSeconds: 10, failureThreshold: 60 },
    // /sping answers once NodeBB can read its config from MongoDB.
    readiness: { http: { port: "http", path: "/sping" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    liveness: { tcp: { port: "http" }, periodSeconds: 20, failureThreshold: 3 },
  },
  // FAF sets no resources; the webpack build at start needs the most memory.
  resources: { requests: { cpu: "200m", memory: "512Mi" }, limits: { memory: "2Gi" } },
  security: {
    // The image's nodebb user, which FAF's init container gives /data (fsGroup 1001).
    runAsUser: 1001,
    exceptions: {
      writableRootFilesystem:
        "npm install and NodeBB's entrypoint write package.json, the lockfile and links under /usr/src/app and /opt/config",
    },
  },
};
