import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "..", "..");
export const TSX = join(ROOT, "node_modules", ".bin", "tsx");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript file with tsx in a child process (`env` added to this process's). */
export function runTsx(
  script: string,
  args: readonly string[] = [],
  options: { cwd?: string; env?: Record<string, string> } = {},
): CliResult {
  const result = spawnSync(TSX, [script, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "", ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `npm run render -- <args>` the way a person would, in a child process. */
export function runRender(args: readonly string[]): CliResult {
  return runTsx(join(ROOT, "render", "cli.ts"), args);
}

/**
 * Copies this project's files as they are in the working tree (tracked ones and new ones git
 * does not ignore; not a file deleted but still in the index) into `dir`.
 */
export function copyProjectFiles(dir: string): void {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  for (const file of listed.stdout.split("\0")) {
    if (!file || !existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
}
