import type { WorkloadSpec } from "./spec";

export const fafUnitdb: WorkloadSpec = {
  name: "faf-unitdb",
  description: "The unit database (unitdb.<domain>, and direct.<domain>/faf/unitsDB for old links): unit stats per game version",
  image: { repository: "faforever/faf-unitdb", tag: "v1.4.3" },
  // FAF declares no container port; its Service sends 80 to the web server.
  ports: [{ name: "http", port: 80 }],
  routes: [
    { hosts: ["unitdb"], port: "http" },
    // faf-stack's old address, as FAF's archive routes it: the prefix is stripped.
    { hosts: ["direct"], pathPrefix: "/faf/unitsDB", port: "http", middlewares: ["stripprefix"] },
  ],
  middlewares: { stripprefix: { stripPrefix: { prefixes: ["/faf/unitsDB"] } } },
  env: { TEMPLATE_NGINX_HTML: "0" },
  secrets: { keys: ["UNITDB_UPGRADE_SECRET"] },
  // FAF's post-start call: the unit data of the deployed game version is (re)built once the
  // server answers.
  postStart: [
    "sh",
    "-c",
    'sleep 10 && curl -fsS "http://localhost/update.php?token=${UNITDB_UPGRADE_SECRET}&version=deploy%2Ffaf"',
  ],
  scratch: [{ mountPath: "/tmp" }],
  // The update downloads the game's unit blueprints from GitHub.
  internet: { ports: [443], reason: "update.php downloads the released game files (blueprints) from GitHub" },
  probes: {
    startup: { tcp: { port: "http" }, periodSeconds: 3, failureThreshold: 40 },
    liveness: { tcp: { port: "http" }, periodSeconds: 20, failureThreshold: 3 },
    readiness: { http: { port: "http", path: "/" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  },
  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
  security: {
    exceptions: {
      writableRootFilesystem: "update.php writes the extracted unit data under the web root",
    },
  },
};
