import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runTsx } from "../support/cli";
import { tempDir } from "../support/temp";

/** One measured render as `npm run bench` runs it: the prod stack, the catalogue with `copies` copies. */
function runOnce(copies: number): { copies: number; resources: number } {
  const result = runTsx(join(ROOT, "bench", "run-once.ts"), [String(copies), join(tempDir("faf-bench-test-"), "out")]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as { copies: number; resources: number };
}

describe("npm run bench's catalogue scaling", { timeout: 300_000 }, () => {
  it("renders prod with every workload copied (each copy's names, hosts, users, Services and metrics its own)", () => {
    const one = runOnce(1);
    const two = runOnce(2);
    expect(two.copies).toBe(2);
    // The copies add workloads' objects, not merely the same ones again.
    expect(two.resources).toBeGreaterThan(one.resources * 1.5);
  });
});
