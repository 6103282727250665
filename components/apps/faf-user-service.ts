import { localFrontendCors } from "./common/cors";
import { mailTemplateEnv, mailTemplateFiles, USER_SERVICE_MAIL_TEMPLATES } from "./common/mail-templates";
import type { WorkloadSpec } from "./spec";

export const fafUserService: WorkloadSpec = {
  name: "faf-user-service",
  description: "Login, consent, registration and IRC tokens (user.<domain>): Hydra's login UI, on faf_lobby",
  image: { repository: "faforever/faf-user-service", tag: "4.2.0" },
  ports: [
    { name: "http", port: 8080 },
    { name: "management", port: 9000, exposed: false },
  ],
  routes: [{ hosts: ["user"], port: "http", middlewaresFor: { test: ["cors"] } }],
  middlewares: { cors: localFrontendCors(true) },
  env: {
    SELF_URL: "https://user.{{baseDomain}}",
    FAF_ENVIRONMENT: "{{environment}}",
    REAL_IP_HEADER: "Cf-Connecting-Ip",
    PASSWORD_RESET_URL: "https://www.{{baseDomain}}/account/password/reset",
    REGISTER_ACCOUNT_URL: "https://www.{{baseDomain}}/account/register",
    ACTIVATION_URL_FORMAT: "https://user.{{baseDomain}}/register/activate?token=%s",
    FAILED_LOGIN_ACCOUNT_THRESHOLD: "5",
    FAILED_LOGIN_ATTEMPT_THRESHOLD: "10",
    FAILED_LOGIN_THROTTLING_MINUTES: "5",
    FAILED_LOGIN_DAYS_TO_CHECK: "1",
    HYDRA_TOKEN_ISSUER: "https://hydra.{{baseDomain}}",
    HYDRA_JWKS_URL: "https://hydra.{{baseDomain}}/.well-known/jwks.json",
    HYDRA_BASE_ADMIN_URL: "http://ory-hydra:4445",
    DB_URL: "jdbc:mariadb://{{mariadb}}:3306/faf_lobby?ssl=false",
    DB_USERNAME: "faf-user-service",
    DB_DATABASE: "faf_lobby",
    LOBBY_URL: "wss://ws.{{baseDomain}}",
    IRC_TOKEN_TTL: "86400",
    REPLAY_URL: "wss://replay-ws.{{baseDomain}}",
    ALTCHA_ENABLED: "true",
    ...mailTemplateEnv(USER_SERVICE_MAIL_TEMPLATES),
  },
  // The user service does not start without its mail templates (mail-templates.ts).
  files: mailTemplateFiles(USER_SERVICE_MAIL_TEMPLATES),
  // FAF leaves FAF_ENVIRONMENT empty in prod; test and local name themselves.
  envFor: { prod: { FAF_ENVIRONMENT: "" } },
  secrets: {
    keys: [
      "ALTCHA_HMAC_KEY",
      "DB_PASSWORD",
      "FAF_IRC_FIXED_USERS_QAI",
      "JWT_HMAC_MESSAGE",
      "JWT_HMAC_SECRET",
      "LOBBY_SECRET",
      "REPLAY_SECRET",
    ],
  },
  // Quarkus unpacks its Vert.x cache here.
  scratch: [{ mountPath: "/tmp" }],
  databases: [{ engine: "mariadb", database: "faf_lobby", user: "faf-user-service", passwordKey: "DB_PASSWORD" }],
  requires: ["faf-db-migrations", "ory-hydra"],
  internet: { ports: [443], reason: "Hydra's JWKS on its public host (HYDRA_JWKS_URL)" },
  probes: {
    startup: { http: { port: "management", path: "/q/health" }, periodSeconds: 3, failureThreshold: 10 },
    liveness: { http: { port: "management", path: "/q/health/live" }, periodSeconds: 10, failureThreshold: 3 },
    readiness: { http: { port: "management", path: "/q/health/ready" }, periodSeconds: 5, failureThreshold: 2 },
  },
  metrics: { port: "management", path: "/q/metrics" },
  resources: { requests: { cpu: "100m", memory: "250Mi" }, limits: { cpu: "1000m", memory: "2Gi" } },
};
