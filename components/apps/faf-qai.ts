import { CLIENT_IDS } from "./oauth-clients";
import type { WorkloadSpec } from "./spec";

export const fafQai: WorkloadSpec = {
  name: "faf-qai",
  description: "QAI, FAF's IRC and Discord bot: answers player, map and replay questions from the API",
  image: {
    repository: "faforever/faf-qai",
    tag: "main",
    branchTagReason: "FAF deploys QAI from its main branch build on every push (Docker Hub webhook); it has no releases",
  },
  env: {
    IRC_SERVER: "irc.{{baseDomain}}",
    IRC_USER: "qai",
    CONFIG__HOST: "{{baseDomain}}",
    // Its client (oauth-clients.ts; the secret is Hydra's FAF_QAI_SECRET).
    FAFAPI_CLIENT_ID: CLIENT_IDS.qai,
  },
  secrets: { keys: ["IRC_PASS"] },
  // The bot's SQLite database.
  volumes: [{ volume: "faf-qai", mountPath: "/app/Database", subPath: "Database" }],
  scratch: [{ mountPath: "/tmp" }],
  // Its OAuth client exists before it starts.
  requires: ["oauth-clients"],
  internet: {
    ports: [443, 6667, 6697],
    reason: "IRC at irc.<domain> (FAF names the public host), Discord, and the API and Hydra on their public hosts",
  },
  // One bot on its SQLite file at a time.
  rollout: "recreate",
  // A bot with no port: nothing to probe but the process itself (FAF has no probes either).
  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
  security: {
    exceptions: {
      writableRootFilesystem:
        ".NET writes its runtime files next to the app; FAF runs it writable and the paths are not documented",
    },
  },
};
