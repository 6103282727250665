import type { WorkloadSpec } from "./spec";

export const fafLegacyDeployment: WorkloadSpec = {
  name: "faf-legacy-deployment",
  description: "Deploys the coop featured-mod files and coop maps into the content volumes and faf_lobby, run by hand",
  // No pods of its own: two tasks an admin starts when a coop release is out (FAF: suspended CronJobs).
  controller: "None",
  image: { repository: "docker.io/library/gradle", tag: "9.4-jdk21" },
  env: {
    DATABASE_HOST: "{{mariadb}}",
    DATABASE_NAME: "faf_lobby",
    // The user declared below (the data layer creates it); FAF kept the name in the secret.
    DATABASE_USERNAME: "faf-legacy-deployment",
    GRADLE_USER_HOME: "/tmp/gradle-home",
  },
  // TODO(data): FAF's deploy scripts (ConfigMap `faf-deploy-scripts`, the Gradle build the tasks
  // copy from /scripts) are FAF's own files; add them under `files` from their repository.
  secrets: { keys: ["DATABASE_PASSWORD"] },
  volumes: [
    { volume: "faf-featured-mods", mountPath: "/workspace/legacy-featured-mod-files" },
    { volume: "faf-maps", mountPath: "/workspace/output" },
  ],
  scratch: [
    { mountPath: "/workspace", sizeLimit: "1Gi" },
    { mountPath: "/tmp", sizeLimit: "4Gi" },
  ],
  databases: [{ engine: "mariadb", database: "faf_lobby", user: "faf-legacy-deployment", passwordKey: "DATABASE_PASSWORD" }],
  requires: ["faf-db-migrations"],
  internet: { ports: [443], reason: "GitHub releases (api.github.com) and git clones of the coop repositories" },
  tasks: [
    {
      name: "deploy-coop",
      command: ["sh", "-c", "cp /scripts/* /workspace && exec gradle deployCoop"],
      env: { PATCH_VERSION: "66" },
      activeDeadlineSeconds: 3600,
    },
    {
      name: "deploy-coop-maps",
      command: ["sh", "-c", "cp /scripts/* /workspace && exec gradle deployCoopMaps"],
      env: { PATCH_VERSION: "9.0.2" },
      activeDeadlineSeconds: 3600,
    },
  ],
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "3Gi" } },
  // The image's gradle user.
  security: { runAsUser: 1000 },
};
