import type { WorkloadSpec } from "./spec";

export const fafPolicyServer: WorkloadSpec = {
  name: "faf-policy-server",
  description: "Login policy checks for the lobby server (uid verification, bans); in-cluster only, on faf_lobby",
  image: { repository: "faforever/faf-policy-server", tag: "v1.23" },
  ports: [{ name: "http", port: 8097 }],
  env: {
    APP_PORT: "8097",
    DATABASE_HOST: "{{mariadb}}",
    DATABASE_PORT: "3306",
    DATABASE_USER: "faf-policy-server",
    DATABASE_NAME: "faf_lobby",
    PYTHONPATH: ".",
  },
  secrets: {
    keys: ["DATABASE_PASSWORD", "FAF_PRIVATE_KEY", "GITHUB_TOKEN", "GITHUB_USER"],
    // The GitHub account the token belongs to; a laptop has no real one, any name will do.
    generate: { derived: { GITHUB_USER: "faf-policy-server" } },
  },
  scratch: [{ mountPath: "/app/verifier" }, { mountPath: "/tmp" }],
  init: [
    {
      // FAF's `load-uid-verifier`: the private FAForever/uid-verifier, cloned into /app/verifier
      // on every pod start. The token reaches git through a credential helper given on the
      // command line, so it is never written into the clone's .git/config, which the app can read.
      name: "load-uid-verifier",
      image: { repository: "alpine/git", tag: "v2.47.2" },
      command: ["/bin/sh", "-c"],
      args: [
        [
          "set -eu",
          // A restarted pod keeps its emptyDir: clear the previous clone first.
          'find "$TARGET" -mindepth 1 -maxdepth 1 -exec rm -rf {} +',
          'git -c credential.helper=\'!f() { echo "username=$GITHUB_USER"; echo "password=$GITHUB_TOKEN"; }; f\' clone --depth 1 "$REPOSITORY" "$TARGET"',
          'echo "uid-verifier $(git -C "$TARGET" rev-parse --short HEAD) in $TARGET"',
        ].join("\n"),
      ],
      // No prompt: a wrong token fails the step instead of hanging it. HOME: git reads its config there.
      env: {
        REPOSITORY: "https://github.com/FAForever/uid-verifier.git",
        TARGET: "/app/verifier",
        GIT_TERMINAL_PROMPT: "0",
        HOME: "/tmp",
      },
      secretKeys: ["GITHUB_TOKEN", "GITHUB_USER"],
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
      only: {
        environments: ["prod", "test"],
        reason: "a laptop has no token for the private repository; FAF's Tilt does not run the policy server either",
      },
    },
  ],
  databases: [{ engine: "mariadb", database: "faf_lobby", user: "faf-policy-server", passwordKey: "DATABASE_PASSWORD" }],
  requires: ["faf-db-migrations"],
  internet: { ports: [443], reason: "clones FAForever/uid-verifier from GitHub (the load-uid-verifier step)" },
  probes: {
    liveness: { http: { port: "http", path: "/health/alive" }, periodSeconds: 10, failureThreshold: 3 },
    readiness: { http: { port: "http", path: "/health/ready" }, periodSeconds: 5, failureThreshold: 2 },
  },
  // FAF sets no resources; a small Python web service.
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
};
