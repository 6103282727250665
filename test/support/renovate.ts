import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./cli";

/**
 * Renovate for the suite, installed on first use. Version 39 is the last that runs on Node 20;
 * it brings about 800 packages (300 MB), too heavy for the project's devDependencies, so it lives
 * in node_modules/.cache (kept between runs, gone with node_modules). CI sets
 * FAF_REQUIRE_TOOLS=1: a failed install fails there instead of skipping.
 */
export const RENOVATE_VERSION = "39.264.1";
const PREFIX = join(ROOT, "node_modules", ".cache", `renovate-${RENOVATE_VERSION}`);

export function renovateBin(name: "renovate" | "renovate-config-validator"): string | undefined {
  const bin = join(PREFIX, "node_modules", ".bin", name);
  if (existsSync(bin)) return bin;
  mkdirSync(PREFIX, { recursive: true });
  const result = spawnSync(
    "npm",
    ["install", "--prefix", PREFIX, "--no-audit", "--no-fund", "--no-save", "--ignore-scripts", `renovate@${RENOVATE_VERSION}`],
    { encoding: "utf8" },
  );
  if (result.status === 0 && existsSync(bin)) return bin;
  const why = `npm install renovate@${RENOVATE_VERSION} failed: ${result.stderr.slice(-2000)}`;
  if (process.env.FAF_REQUIRE_TOOLS === "1") throw new Error(why);
  console.warn(`${why}\nthe Renovate checks skip`);
  return undefined;
}

/** Renovate's environment for offline runs: no token, no host lookups, plain logs. */
export function renovateEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: "", LOG_LEVEL: "info", LOG_FORMAT: "", RENOVATE_X_IGNORE_RE2: "true", ...extra };
}
