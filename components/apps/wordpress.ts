import type { WorkloadSpec } from "./spec";

/** Apache as www-data cannot bind 80: it listens on 8080 (the Service keeps FAF's port 80). */
const PORTS_CONF = `Listen 8080
`;
const SITE_CONF = `<VirtualHost *:8080>
    DocumentRoot /var/www/html
    ErrorLog \${APACHE_LOG_DIR}/error.log
    CustomLog \${APACHE_LOG_DIR}/access.log combined
</VirtualHost>
`;

export const wordpress: WorkloadSpec = {
  name: "wordpress",
  description: "WordPress behind the website's news (direct.<domain>); faf-website reads it in-cluster",
  // FAF follows the major tag (Keel polls it hourly).
  image: { repository: "wordpress", tag: "7" },
  ports: [{ name: "http", port: 8080, servicePort: 80 }],
  routes: [{ hosts: ["direct"], port: "http" }],
  env: { WORDPRESS_DB_HOST: "{{mariadb}}", WORDPRESS_DB_USER: "faf-wordpress", WORDPRESS_DB_NAME: "fafwordpress" },
  files: [
    { path: "/etc/apache2/ports.conf", content: PORTS_CONF },
    { path: "/etc/apache2/sites-available/000-default.conf", content: SITE_CONF },
  ],
  secrets: { keys: ["WORDPRESS_DB_PASSWORD"] },
  // Themes, plugins and uploads persist; the entrypoint copies WordPress itself into /var/www/html
  // and writes wp-config.php there on every start (as FAF does: only wp-content is kept).
  volumes: [{ volume: "wordpress", mountPath: "/var/www/html/wp-content" }],
  scratch: [
    { mountPath: "/var/www/html", sizeLimit: "512Mi" },
    // Apache's pid and lock files (/var/run/apache2, /var/lock/apache2).
    { mountPath: "/run", sizeLimit: "1Mi" },
    // PHP sessions and uploads in flight.
    { mountPath: "/tmp" },
  ],
  databases: [{ engine: "mariadb", database: "fafwordpress", user: "faf-wordpress", passwordKey: "WORDPRESS_DB_PASSWORD" }],
  // No internet: the inventory shows none, so plugin and core updates from wordpress.org are refused.
  probes: {
    // WordPress itself (PHP and its database); a redirect to the public host counts as success.
    readiness: { http: { port: "http", path: "/wp-login.php" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    // Apache alone: a database outage takes the pod out of the Service without restarting it.
    liveness: { tcp: { port: "http" }, periodSeconds: 20, failureThreshold: 3 },
  },
  // FAF sets no resources; Apache with mod_php.
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
  // www-data of the official image: it owns wp-content on FAF's volume.
  security: { runAsUser: 33 },
};
