import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

/**
 * `faf:legacyDeployment.scripts`: a directory holding the Gradle build that deploys the coop
 * featured mod and maps (FAF keeps it in gitops-stack `apps/faf-legacy-deployment/scripts`:
 * `build.gradle.kts` with the tasks `deployCoop` and `deployCoopMaps`, and its Kotlin sources).
 * Its files become a ConfigMap the tasks copy into their working directory. Without it, the
 * tasks fetch FAF's build at a pinned commit when they run (components/apps/faf-legacy-deployment.ts).
 */

/** The build file every scripts directory must hold: the tasks run its Gradle tasks. */
export const DEPLOY_BUILD_FILE = "build.gradle.kts";
/** A ConfigMap holds at most 1 MiB; leave room for its keys and metadata. */
export const DEPLOY_SCRIPTS_MAX_BYTES = 900 * 1024;
/** File names a ConfigMap key allows, and that `cp /scripts/*` copies as they are. */
const KEY = /^[-._a-zA-Z0-9]+$/;

/** What is wrong with a scripts directory, or undefined. Reads the file system (names and sizes only). */
export function deployScriptsProblem(dir: string): string | undefined {
  if (!path.isAbsolute(dir)) return "is not an absolute path";
  if (!fs.existsSync(dir)) return "does not exist";
  if (!fs.statSync(dir).isDirectory()) return "is not a directory";
  const entries = fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => !entry.name.startsWith("."));
  if (!entries.some((entry) => entry.name === DEPLOY_BUILD_FILE && entry.isFile())) {
    return `holds no ${DEPLOY_BUILD_FILE} (the Gradle build with the deployCoop and deployCoopMaps tasks)`;
  }
  const odd = entries.filter((entry) => !entry.isFile() || !KEY.test(entry.name)).map((entry) => entry.name);
  if (odd.length > 0) return `holds ${odd.join(", ")}, which are not plain files with ConfigMap-key names (letters, digits, -._)`;
  const bytes = entries.reduce((sum, entry) => sum + fs.statSync(path.join(dir, entry.name)).size, 0);
  if (bytes > DEPLOY_SCRIPTS_MAX_BYTES) return `holds ${bytes} bytes, more than a ConfigMap takes (${DEPLOY_SCRIPTS_MAX_BYTES})`;
  return undefined;
}

/** The scripts directory's files (dot files left out), by name, sorted. */
export function readDeployScripts(dir: string): { name: string; content: string }[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, content: fs.readFileSync(path.join(dir, name), "utf8") }));
}

export const legacyDeploymentSchema = z
  .strictObject({
    /** The directory with the deploy build (see above). @default FAF's, fetched by the tasks at a pinned commit */
    scripts: z.string().superRefine((dir, ctx) => {
      const why = deployScriptsProblem(dir);
      if (why) ctx.addIssue({ code: "custom", message: `expected a directory with the coop deploy build, but it ${why}` });
    }),
  })
  .optional();

export const LEGACY_DEPLOYMENT_HINTS: Record<string, string> = {
  legacyDeployment: "{scripts: /srv/faf/gitops-stack/apps/faf-legacy-deployment/scripts}",
  "legacyDeployment.scripts": `the absolute path of a directory holding ${DEPLOY_BUILD_FILE} and its Kotlin sources`,
};
