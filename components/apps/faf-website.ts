import { CLIENT_IDS } from "./oauth-clients";
import type { WorkloadSpec } from "./spec";

export const fafWebsite: WorkloadSpec = {
  name: "faf-website",
  description: "FAF's website (www.<domain>, the apex, clans.<domain>): news from WordPress, accounts, clans, leaderboards",
  // Test follows FAF's develop build, as FAF's test server does (docs/decisions/026).
  image: {
    repository: "faforever/faf-website",
    tag: "v2.4.2",
    tagFor: { test: "develop" },
    branchTagReason: "FAF's test server runs the website's develop build to try it before a release",
  },
  // FAF declares no container port; its Service sends 3000 to the Node.js server.
  ports: [{ name: "http", port: 3000 }],
  routes: [{ hosts: ["www", "@", "clans"], port: "http" }],
  env: {
    NODE_ENV: "production",
    HOST: "https://www.{{baseDomain}}",
    API_URL: "https://api.{{baseDomain}}",
    BASE_DOMAIN: "{{baseDomain}}",
    WP_URL: "http://wordpress.faf-apps.svc.cluster.local",
    WP_NEWSHUB_CATEGORYID: "283",
    WP_NEWSHUBARCHIVE_CATEGORYID: "284",
    TOKEN_LIFESPAN: "43200",
    CLAN_INVITES_LIFESPAN_DAYS: "30",
    EXTRACTOR_INTERVAL: "5",
    PLAYER_COUNT_INTERVAL: "15",
    // Spelled as the website reads them.
    LEAGUES_UPDATE_INVERAL: "3600",
    LEADERBOARDS_UPDATE_INTERVAL: "900",
    RECENT_USERS_LIST_UPDATE_INVERVAL: "900",
    CLIENT_RELEASE_FETCHING_INTERVAL: "900",
    CLAN_LIST_UPDATE_INTERVAL: "900",
    PLAYER_COUNT_UPDATE_INTERVAL: "10",
    // The ids are plain config from the one client list (FAF keeps them in the secret store).
    OAUTH_CLIENT_ID: CLIENT_IDS.website,
    OAUTH_M2M_CLIENT_ID: CLIENT_IDS.websiteM2m,
  },
  // A laptop has no public certificate: server-side calls stay in the cluster, as FAF's Tilt does.
  envFor: {
    local: {
      OAUTH_URL: "http://ory-hydra:4444",
      OAUTH_PUBLIC_URL: "https://hydra.{{baseDomain}}",
      API_URL: "http://faf-api:8010",
    },
  },
  secrets: { keys: ["OAUTH_CLIENT_SECRET", "OAUTH_M2M_CLIENT_SECRET", "RECAPTCHA_SITE_KEY", "SESSION_SECRET_KEY"] },
  scratch: [{ mountPath: "/tmp" }],
  // Its login (Hydra, whose login pages faf-user-service serves), the API and the news; its two
  // OAuth clients are registered before it starts (oauth-clients.ts).
  requires: ["ory-hydra", "faf-user-service", "faf-api", "wordpress"],
  internet: { ports: [443], reason: "the API and Hydra on their public hosts (API_URL, OAuth), GitHub client releases" },
  probes: {
    startup: { tcp: { port: "http" }, periodSeconds: 3, failureThreshold: 40 },
    liveness: { tcp: { port: "http" }, periodSeconds: 20, failureThreshold: 3 },
    readiness: { http: { port: "http", path: "/" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  },
  // FAF sets no resources; a Node.js server with in-memory caches of leaderboards and news.
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
  // The node user of the Node.js image.
  security: {
    runAsUser: 1000,
    exceptions: {
      writableRootFilesystem:
        "the website writes its extracted leaderboard and clan data next to its code; FAF runs it writable and the paths are not documented",
    },
  },
};
