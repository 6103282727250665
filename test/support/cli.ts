import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run render -- <args>` the way a person would, in a child process. */
export function runRender(args: readonly string[]): CliResult {
  const result = spawnSync(TSX, [join(ROOT, "render", "cli.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
