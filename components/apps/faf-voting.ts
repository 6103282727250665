import { CLIENT_IDS } from "./oauth-clients";
import type { WorkloadSpec } from "./spec";

export const fafVoting: WorkloadSpec = {
  name: "faf-voting",
  description: "FAF's community votes (voting.<domain>), with FAF login",
  image: { repository: "faforever/faf-voting", tag: "v2.1.1" },
  // FAF declares no container port; its Service sends 3000 to the Node.js server.
  ports: [{ name: "http", port: 3000 }],
  routes: [{ hosts: ["voting"], port: "http" }],
  env: {
    CLIENT_ID: CLIENT_IDS.voting,
    NODE_ENV: "production",
    CALLBACK_URL: "https://voting.{{baseDomain}}/auth",
    API_URL: "https://api.{{baseDomain}}",
    OAUTH_URL: "https://hydra.{{baseDomain}}",
    HOST: "https://voting.{{baseDomain}}",
  },
  secrets: { keys: ["CLIENT_SECRET", "SESSION_SECRET"] },
  scratch: [{ mountPath: "/tmp" }],
  // Its OAuth client is registered before it starts (oauth-clients.ts).
  requires: ["ory-hydra"],
  internet: { ports: [443], reason: "the API and Hydra on their public hosts (API_URL, OAUTH_URL)" },
  probes: {
    startup: { tcp: { port: "http" }, periodSeconds: 3, failureThreshold: 40 },
    liveness: { tcp: { port: "http" }, periodSeconds: 20, failureThreshold: 3 },
    readiness: { tcp: { port: "http" }, periodSeconds: 10, failureThreshold: 2 },
  },
  // FAF sets no resources.
  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
  security: { runAsUser: 1000 },
};
