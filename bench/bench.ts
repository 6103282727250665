/**
 * npm run bench: ratios measured in one run (medians of several fresh processes each).
 *  1. time to render the prod stack / time to merely load the Pulumi SDKs   (target <= 2.5)
 *  2. the program's own time with the catalogue x10 / x1                     (target <= 10: linear)
 *  3. peak memory of a render                                                  (target < 512 MB)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { E2eFigures } from "../e2e/figures";

const ROOT = resolve(__dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const RUNS = Number(process.env.BENCH_RUNS ?? "5");
const work = mkdtempSync(join(tmpdir(), "faf-bench-"));

function timed(args: string[]): { ms: number; stdout: string } {
  const start = performance.now();
  const result = spawnSync(TSX, args, { cwd: ROOT, encoding: "utf8" });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed:\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

interface Once {
  copies: number;
  sdkMs: number;
  programMs: number;
  resources: number;
  peakRssMb: number;
}

const sdkOnly: number[] = [];
const render: number[] = [];
const once: Record<1 | 10, Once[]> = { 1: [], 10: [] };
let failure: string | undefined;
try {
  for (let i = 0; i < RUNS; i++) {
    sdkOnly.push(timed(["-e", 'require("@pulumi/pulumi"); require("@pulumi/kubernetes");']).ms);
    render.push(timed([join(ROOT, "render", "cli.ts"), "prod", "--out", join(work, "prod")]).ms);
    for (const copies of [1, 10] as const) {
      const out = timed([join(ROOT, "bench", "run-once.ts"), String(copies), join(work, `x${copies}`)]).stdout;
      once[copies].push(JSON.parse(out.trim().split("\n").pop() ?? "{}") as Once);
    }
  }
} catch (error) {
  failure = error instanceof Error ? error.message : String(error);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failure !== undefined) {
  process.stderr.write(`bench failed: ${failure}\n`);
  process.exit(1);
}

const renderRatio = median(render) / median(sdkOnly);
const program1 = median(once[1].map((o) => o.programMs));
const program10 = median(once[10].map((o) => o.programMs));
const scaleRatio = program10 / program1;
const peak1 = Math.max(...once[1].map((o) => o.peakRssMb));
const peak10 = Math.max(...once[10].map((o) => o.peakRssMb));
const verdict = (ok: boolean) => (ok ? "within target" : "OVER TARGET");

const lines = [
  `faf-infra render benchmark (${RUNS} fresh processes each, medians; Node ${process.version})`,
  `  render prod / load SDKs:       ${renderRatio.toFixed(2)}   (target <= 2.5, ${verdict(renderRatio <= 2.5)})  [${median(render).toFixed(0)} ms / ${median(sdkOnly).toFixed(0)} ms]`,
  `  program x10 / x1 catalogue:    ${scaleRatio.toFixed(2)}   (target <= 10, ${verdict(scaleRatio <= 10)})  [${program10.toFixed(0)} ms for ${String(once[10][0]?.resources)} resources / ${program1.toFixed(0)} ms for ${String(once[1][0]?.resources)}]`,
  `  peak memory of a render:       ${peak1.toFixed(0)} MB   (target < 512 MB, ${verdict(peak1 < 512)}; x10 catalogue: ${peak10.toFixed(0)} MB)`,
];
lines.push(realEngineLine());
process.stdout.write(`${lines.join("\n")}\n`);

/**
 * The real engine's figures from the last `npm run e2e` on this machine (.bench/e2e.json): the
 * ratio divides times measured in that one run (the render of the same stack settings there).
 */
function realEngineLine(): string {
  const file = join(ROOT, ".bench", "e2e.json");
  if (!existsSync(file)) {
    return "  real engine (npm run e2e):      no figures on this machine (npm run e2e:toolchain, then npm run e2e, writes them)";
  }
  const figures = JSON.parse(readFileSync(file, "utf8")) as E2eFigures;
  return figures.stacks
    .map(
      (f) =>
        `  real engine, ${f.stack} stack:  preview / render ${(f.previewMs / f.renderMs).toFixed(1)}, up / render ${(f.upMs / f.renderMs).toFixed(1)}  [preview ${f.previewMs.toFixed(0)} ms, up ${f.upMs.toFixed(0)} ms, render ${f.renderMs.toFixed(0)} ms; ${f.resources} resources; npm run e2e at ${figures.at}]`,
    )
    .join("\n");
}
