import type { WorkloadSpec } from "./spec";

export const fafTelemetryServer: WorkloadSpec = {
  name: "faf-telemetry-server",
  description: "Collects ICE connection telemetry from FAF clients (ice-telemetry.<domain>)",
  image: {
    repository: "faforever/faf-telemetry-server",
    tag: "main",
    branchTagReason: "FAF publishes this server only as its main branch build; there is no release tag to pin",
  },
  // FAF declares no container port; its Service sends 8080 to the server.
  ports: [{ name: "http", port: 8080 }],
  routes: [{ hosts: ["ice-telemetry"], port: "http" }],
  scratch: [{ mountPath: "/tmp" }],
  probes: {
    liveness: { tcp: { port: "http" }, periodSeconds: 20, failureThreshold: 3 },
    readiness: { tcp: { port: "http" }, periodSeconds: 10, failureThreshold: 2 },
  },
  // FAF's numbers: the limit restarts the server before its known memory leak hurts the node.
  resources: { requests: { cpu: "50m", memory: "1Gi" }, limits: { memory: "2Gi" } },
};
