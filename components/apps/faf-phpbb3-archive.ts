import type { WorkloadSpec } from "./spec";

/**
 * The read-only archive of FAF's old phpBB forum: static pages on the `phpbb3-archive` volume.
 * Old `.html` links are redirected, and `.php` pages (saved as files) are served as HTML.
 * nginx as an unprivileged user listens on 8080 (the Service keeps FAF's port 80).
 */
const NGINX_CONF = `server {
    listen 8080;
    server_name _;
    root /data;
    index index.php index.html;

    location = /health {
        access_log off;
        return 200 "ok\\n";
    }

    location ~ ^(?<page>.+)\\.html$ {
        return 302 $page.php$is_args$args;
    }

    location ~ \\.php$ {
        default_type text/html;
        try_files $uri =404;
    }

    location / {
        try_files $uri $uri/ =404;
    }
}
`;

export const fafPhpbb3Archive: WorkloadSpec = {
  name: "faf-phpbb3-archive",
  description: "The archived phpBB forum (forums.<domain>), static and read-only",
  image: { repository: "nginx", tag: "1.29.3-alpine-slim" },
  ports: [{ name: "http", port: 8080, servicePort: 80 }],
  routes: [{ hosts: ["forums"], port: "http" }],
  files: [{ path: "/etc/nginx/conf.d/default.conf", content: NGINX_CONF }],
  volumes: [{ volume: "phpbb3-archive", mountPath: "/data", readOnly: true }],
  scratch: [{ mountPath: "/var/cache/nginx" }, { mountPath: "/run", sizeLimit: "1Mi" }, { mountPath: "/tmp" }],
  probes: {
    startup: { http: { port: "http", path: "/health" }, initialDelaySeconds: 10, periodSeconds: 3, failureThreshold: 30 },
    liveness: { http: { port: "http", path: "/health" }, periodSeconds: 10, failureThreshold: 3 },
    readiness: { http: { port: "http", path: "/health" }, periodSeconds: 5, failureThreshold: 2 },
  },
  resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "128Mi" } },
  // The nginx user of the official image; it only reads the archive.
  security: { runAsUser: 101 },
};
