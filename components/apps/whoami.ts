import type { WorkloadSpec } from "./spec";

export const whoami: WorkloadSpec = {
  name: "whoami",
  description: "Echoes the request (whoami.<domain>): checks routing, forwarded headers and sticky sessions end to end",
  namespace: "ops",
  image: { repository: "traefik/whoami", tag: "v1.10.1" },
  // Unprivileged on 8080; the Services keep FAF's port 80.
  args: ["--port", "8080"],
  ports: [{ name: "http", port: 8080, servicePort: 80 }],
  routes: [{ hosts: ["whoami"], port: "http" }],
  // FAF's second Service: Traefik pins a client to one of the two pods by cookie.
  extraServices: [{ name: "whoami-sticky", annotations: { "traefik.ingress.kubernetes.io/service.sticky.cookie": "true" } }],
  probes: {
    liveness: { tcp: { port: "http" }, periodSeconds: 20, failureThreshold: 3 },
    readiness: { http: { port: "http", path: "/health" }, periodSeconds: 10, failureThreshold: 2 },
  },
  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
  // Two pods, so a request shows which one answered.
  replicas: { prod: 2, test: 2, local: 2 },
};
