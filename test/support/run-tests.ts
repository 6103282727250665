/**
 * `npm test`: vitest with TMPDIR set to a directory of this run's own, which must be empty
 * again when the tests end. Tests remove what they make (test/support/temp.ts), and so must the
 * programs they start; a leftover fails the run and is named.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./cli";

/** Caches that tools keep in the temporary directory by design (removed with it). */
const CACHES = [
  /^tsx-\d+$/, // tsx's compile cache
  /^renovate$/, // Renovate's base directory (its repository cache)
];

const dir = mkdtempSync(join(tmpdir(), "faf-tests-"));
// Like /tmp itself: the throwaway PostgreSQL server runs as its own user.
chmodSync(dir, 0o1777);

const child = spawn(join(ROOT, "node_modules", ".bin", "vitest"), ["run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TMPDIR: dir },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));

child.on("exit", (code, signal) => {
  const left = readdirSync(dir).filter((name) => !CACHES.some((cache) => cache.test(name)));
  rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    console.error(
      `\nThe tests left ${left.length === 1 ? "this" : `these ${left.length}`} in their temporary directory: ${left.sort().join(", ")}.\n` +
        "Fix: the test that makes one removes it (tempDir() in test/support/temp.ts does), and stops what it started.",
    );
    process.exit(1);
  }
  process.exit(code ?? (signal ? 1 : 0));
});
