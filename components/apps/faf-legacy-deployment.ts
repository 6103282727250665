import type { JobSpec, WorkloadSpec } from "./spec";

/**
 * The deploy build (Gradle, Kotlin) the tasks run: FAF's, from gitops-stack at the commit the
 * inventory was read at, fetched by the task when it starts (facts: repository, commit, folder;
 * the files stay FAF's). `faf:legacyDeployment.scripts` replaces it with a directory's files.
 */
export const FAF_DEPLOY_SCRIPTS = {
  repository: "https://github.com/FAForever/gitops-stack.git",
  commit: "e472eb6df530e3bc55baa3afa713729d6596e03b",
  folder: "apps/faf-legacy-deployment/scripts",
} as const;

/**
 * The working directory, as FAF runs it: the build is copied here and Gradle runs here, and the
 * scripts resolve their outputs against it (`./legacy-featured-mod-files`, `./output`).
 */
export const DEPLOY_WORKSPACE = "/workspace";
/** Where a stack's own scripts directory is mounted, file by file. */
export const DEPLOY_SCRIPTS_DIR = "/scripts";

/** Copies the build into the working directory (fetched, or from `/scripts`), then runs one of its tasks. */
export function deployCommand(gradleTask: string, scripts: "fetch" | "files"): string[] {
  const copy =
    scripts === "files"
      ? [`cp ${DEPLOY_SCRIPTS_DIR}/* ${DEPLOY_WORKSPACE}/`]
      : [
          "git init -q /tmp/deploy-build",
          'git -C /tmp/deploy-build fetch -q --depth 1 "$DEPLOY_BUILD_REPOSITORY" "$DEPLOY_BUILD_COMMIT"',
          "git -C /tmp/deploy-build checkout -q FETCH_HEAD",
          `cp "/tmp/deploy-build/$DEPLOY_BUILD_FOLDER"/* ${DEPLOY_WORKSPACE}/`,
        ];
  return ["sh", "-c", ["set -eu", ...copy, `exec gradle --no-daemon ${gradleTask}`].join("\n")];
}

/**
 * The two tasks (FAF: suspended CronJobs `faf-deploy-coop` and `faf-deploy-coop-maps`). Each
 * checks out its repository at `v$PATCH_VERSION` (GIT_REPO_URL, GIT_REF, GIT_WORKDIR override
 * it; DRY_RUN=true writes nothing; LOG_LEVEL), writes into its volume below the working
 * directory and records the files in faf_lobby.
 */
export function deployTasks(scripts: "fetch" | "files"): JobSpec[] {
  return [
    {
      // fa-coop at v<PATCH_VERSION>, its release's voice-over assets and patched files into
      // ./legacy-featured-mod-files (the featured-mods volume); the coop featured mod's file table.
      name: "deploy-coop",
      command: deployCommand("deployCoop", scripts),
      env: { PATCH_VERSION: "66" },
      activeDeadlineSeconds: 3600,
    },
    {
      // faf-coop-maps at v<PATCH_VERSION>: each changed map zipped into ./output (the maps volume); the coop map table.
      name: "deploy-coop-maps",
      command: deployCommand("deployCoopMaps", scripts),
      env: { PATCH_VERSION: "9.0.2" },
      activeDeadlineSeconds: 3600,
    },
  ];
}

export const fafLegacyDeployment: WorkloadSpec = {
  name: "faf-legacy-deployment",
  description: "Deploys the coop featured-mod files and coop maps into the content volumes and faf_lobby, run by hand",
  // No pods of its own: two tasks an admin starts when a coop release is out (FAF: suspended CronJobs).
  controller: "None",
  image: { repository: "docker.io/library/gradle", tag: "9.4-jdk21" },
  workingDir: DEPLOY_WORKSPACE,
  env: {
    DATABASE_HOST: "{{mariadb}}",
    DATABASE_NAME: "faf_lobby",
    // The user declared below (the data layer creates it); FAF kept the name in the secret.
    DATABASE_USERNAME: "faf-legacy-deployment",
    GRADLE_USER_HOME: "/tmp/gradle-home",
    DEPLOY_BUILD_REPOSITORY: FAF_DEPLOY_SCRIPTS.repository,
    DEPLOY_BUILD_COMMIT: FAF_DEPLOY_SCRIPTS.commit,
    DEPLOY_BUILD_FOLDER: FAF_DEPLOY_SCRIPTS.folder,
  },
  secrets: { keys: ["DATABASE_PASSWORD"] },
  volumes: [
    { volume: "faf-featured-mods", mountPath: `${DEPLOY_WORKSPACE}/legacy-featured-mod-files` },
    { volume: "faf-maps", mountPath: `${DEPLOY_WORKSPACE}/output` },
  ],
  scratch: [
    { mountPath: DEPLOY_WORKSPACE, sizeLimit: "1Gi" },
    // The repositories' checkouts (GIT_WORKDIR /tmp/fa-coop, /tmp/faf-coop-maps), downloads, Gradle's caches.
    { mountPath: "/tmp", sizeLimit: "4Gi" },
  ],
  databases: [{ engine: "mariadb", database: "faf_lobby", user: "faf-legacy-deployment", passwordKey: "DATABASE_PASSWORD" }],
  requires: ["faf-db-migrations"],
  internet: {
    ports: [443],
    reason:
      "the deploy build (GitHub), Gradle's plugins and libraries (Maven Central), GitHub releases and the coop repositories",
  },
  tasks: deployTasks("fetch"),
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "3Gi" } },
  // The image's gradle user.
  security: { runAsUser: 1000 },
};

/**
 * The workload with a stack's own deploy build (`faf:legacyDeployment.scripts`): its files in
 * the workload's ConfigMap under `/scripts`, copied into the working directory by the tasks.
 */
export function withDeployScripts(spec: WorkloadSpec, files: readonly { name: string; content: string }[]): WorkloadSpec {
  const env = Object.fromEntries(Object.entries(spec.env ?? {}).filter(([key]) => !key.startsWith("DEPLOY_BUILD_")));
  return {
    ...spec,
    env,
    files: [
      ...(spec.files ?? []),
      ...files.map((file) => ({ path: `${DEPLOY_SCRIPTS_DIR}/${file.name}`, content: file.content })),
    ],
    tasks: deployTasks("files"),
  };
}
