import { localFrontendCors } from "./common/cors";
import type { WorkloadSpec } from "./spec";

export const oryHydra: WorkloadSpec = {
  name: "ory-hydra",
  description: "OAuth2/OpenID Connect server (hydra.<domain>); login and consent pages come from faf-user-service",
  image: { repository: "oryd/hydra", tag: "v26.2.0" },
  ports: [
    { name: "public", port: 4444 },
    { name: "admin", port: 4445 },
  ],
  routes: [{ hosts: ["hydra"], port: "public", middlewaresFor: { test: ["cors"] } }],
  middlewares: { cors: localFrontendCors(false) },
  env: {
    URLS_SELF_ISSUER: "https://hydra.{{baseDomain}}",
    URLS_LOGIN: "https://user.{{baseDomain}}/oauth2/login",
    URLS_CONSENT: "https://user.{{baseDomain}}/oauth2/consent",
    URLS_DEVICE_VERIFICATION: "https://user.{{baseDomain}}/oauth2/device-login",
    URLS_DEVICE_SUCCESS: "https://user.{{baseDomain}}/oauth2/device-done",
    STRATEGIES_ACCESS_TOKEN: "jwt",
    OAUTH2_CLIENT_CREDENTIALS_DEFAULT_GRANT_ALLOWED_SCOPE: "true",
    DB_USER: "hydra",
    DB_NAME: "ory-hydra",
  },
  // DSN is postgres://hydra:<DB_PASSWORD>@postgres:5432/ory-hydra, kept whole in the secret store;
  // SECRETS_SYSTEM encrypts Hydra's database: losing it loses every client and session. The
  // other keys are the secrets of OAuth clients FAF keeps in Hydra's folder (oauth-clients.ts);
  // Hydra itself does not read them.
  secrets: {
    keys: [
      "DSN",
      "DB_PASSWORD",
      "SECRETS_SYSTEM",
      "BRACKMAN_DISCORD_SECRET",
      "FAF_QAI_SECRET",
      "FAFTRACKER_SECRET",
      "FA_METRICS_CLIENT_SECRET",
      "FAFTOURNEY_SECRET",
    ],
    env: ["DSN", "SECRETS_SYSTEM"],
    generate: { derived: { DSN: "postgres://hydra:{{secret:DB_PASSWORD}}@{{postgres}}:5432/ory-hydra?sslmode=disable" } },
  },
  databases: [{ engine: "postgres", database: "ory-hydra", user: "hydra", passwordKey: "DB_PASSWORD" }],
  jobs: [{ name: "migrate", args: ["migrate", "sql", "--read-from-env", "--yes"] }],
  // FAF's janitor, suspended as FAF keeps it: an admin runs it when the token tables grow.
  tasks: [
    {
      name: "janitor",
      args: [
        "janitor",
        "--read-from-env",
        "--keep-if-younger",
        "230h",
        "--access-lifespan",
        "100h",
        "--refresh-lifespan",
        "1000h",
        "--consent-request-lifespan",
        "1000h",
        "--requests",
        "--grants",
        "--tokens",
      ],
      activeDeadlineSeconds: 3600,
    },
  ],
  probes: {
    liveness: { http: { port: "admin", path: "/health/alive" }, periodSeconds: 10, failureThreshold: 3 },
    readiness: { http: { port: "admin", path: "/health/ready" }, periodSeconds: 5, failureThreshold: 2 },
  },
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
};
