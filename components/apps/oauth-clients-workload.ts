import { CLIENTS_WORKLOAD, CURL_IMAGE, OAUTH_SERVER } from "./oauth-clients";
import type { WorkloadSpec } from "./spec";

/**
 * Hydra's clients that no workload here logs in through: FAF's desktop clients, outside
 * services (Discord bot, tracker, metrics, tournaments, QAI, the wiki), Argo CD and kubectl.
 * Only a Job (oauth-clients.ts); it runs each time Hydra or a client changes.
 */
export const oauthClientsWorkload: WorkloadSpec = {
  name: CLIENTS_WORKLOAD,
  description: "Creates and updates Hydra's OAuth clients for apps outside the cluster, Argo CD and kubectl",
  controller: "None",
  image: CURL_IMAGE,
  requires: [OAUTH_SERVER.workload],
  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
};
