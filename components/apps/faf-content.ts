import type { WorkloadSpec } from "./spec";

/** nginx as an unprivileged user: it listens on 8080 (the Service keeps FAF's port 80). */
const NGINX_CONF = `server {
    listen 8080;
    server_name _;
    root /data;

    location = /health {
        access_log off;
        return 200 "ok\\n";
    }

    location / {
        index index.html;
        try_files $uri $uri/ =404;
    }
}
`;

export const fafContent: WorkloadSpec = {
  name: "faf-content",
  description: "Static files (content.<domain>, replay.<domain>): maps, mods, replays, avatars, featured-mod files",
  image: { repository: "nginx", tag: "1.29.3-alpine-slim" },
  ports: [{ name: "http", port: 8080, servicePort: 80 }],
  routes: [{ hosts: ["content", "replay"], port: "http", middlewares: ["redirect-replay-subdomain", "cors"] }],
  middlewares: {
    "redirect-replay-subdomain": {
      redirectRegex: {
        regex: "^(http|https)://replay\\.{{baseDomain}}/(\\d+)",
        replacement: "${1}://api.{{baseDomain}}/game/${2}/replay",
      },
    },
    cors: {
      headers: {
        accessControlAllowMethods: ["GET"],
        accessControlAllowOriginList: ["*"],
        accessControlMaxAge: 60,
        addVaryHeader: false,
      },
    },
  },
  files: [{ path: "/etc/nginx/conf.d/default.conf", content: NGINX_CONF }],
  volumes: [
    // As FAF mounts it: mounts made on the node inside the content folder after nginx started
    // (FAF's replay share keeper mounts on the node) appear here without a restart.
    { volume: "faf-content", mountPath: "/data", readOnly: true, propagation: "HostToContainer" },
    { volume: "faf-replays", mountPath: "/data/replays", readOnly: true },
    { volume: "faf-maps", mountPath: "/data/maps", readOnly: true },
    { volume: "faf-mods", mountPath: "/data/mods", readOnly: true },
    { volume: "faf-featured-mods", mountPath: "/data/legacy-featured-mod-files", readOnly: true },
  ],
  scratch: [{ mountPath: "/var/cache/nginx" }, { mountPath: "/run", sizeLimit: "1Mi" }, { mountPath: "/tmp" }],
  probes: {
    startup: { http: { port: "http", path: "/health" }, initialDelaySeconds: 10, periodSeconds: 3, failureThreshold: 30 },
    liveness: { http: { port: "http", path: "/health" }, periodSeconds: 10, failureThreshold: 3 },
    readiness: { http: { port: "http", path: "/health" }, periodSeconds: 5, failureThreshold: 2 },
  },
  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
  // The nginx user of the official image; it only reads the content volumes.
  security: { runAsUser: 101 },
};
