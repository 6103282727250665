/**
 * One measured render of the prod stack in a fresh process, with the workload catalogue
 * multiplied by synthetic copies: `tsx bench/run-once.ts <copies> <outDir>`.
 * Prints one JSON line: SDK load time, the program's own time, resources, peak RSS.
 */
import { performance } from "node:perf_hooks";
import { resolve } from "node:path";
import type { WorkloadSpec } from "../components/apps/spec";

async function main(): Promise<void> {
  const copies = Number(process.argv[2] ?? "1");
  const outDir = process.argv[3] ?? resolve(__dirname, "..", ".bench", `x${copies}`);
  const root = resolve(__dirname, "..");

  const t0 = performance.now();
  /* eslint-disable @typescript-eslint/no-require-imports */
  require("@pulumi/pulumi");
  require("@pulumi/kubernetes");
  const sdkMs = performance.now() - t0;

  const catalogue = require("../components/apps/catalogue") as { CATALOGUE: WorkloadSpec[]; SERVICE_NAMES: string[] };
  const { runProgram } = require("../render/engine") as typeof import("../render/engine");
  const { writeRender } = require("../render/output") as typeof import("../render/output");
  const { readStackConfig } = require("../render/stack-file") as typeof import("../render/stack-file");
  const { SERVICE_RUNTIMES } = require("../components/monitoring/targets") as typeof import("../components/monitoring/targets");
  /* eslint-enable @typescript-eslint/no-require-imports */

  // Synthetic copies: same shape, own names, hosts and dependencies, so the program does n times the work.
  const originals = [...catalogue.CATALOGUE];
  for (let i = 1; i < copies; i++) {
    const rename = (name: string) => `${name}-c${i}`;
    for (const spec of originals) {
      const copy: WorkloadSpec = {
        ...spec,
        name: rename(spec.name),
        requires: spec.requires?.map(rename),
        calls: spec.calls?.map(rename),
        // Each copy owns its database and broker users, as a new workload would.
        databases: spec.databases?.map((db) => ({ ...db, user: rename(db.user) })),
        broker: spec.broker ? { ...spec.broker, user: rename(spec.broker.user) } : undefined,
        routes: spec.routes?.map((r) => ({ ...r, hosts: r.hosts.map((h) => `${h}-c${i}`) })),
        tcpRoutes: spec.tcpRoutes?.map((r) => ({ ...r, entryPoint: `${r.entryPoint}-c${i}` })),
        extraServices: spec.extraServices?.map((service) => ({ ...service, name: rename(service.name) })),
      };
      catalogue.CATALOGUE.push(copy);
      // A copy exports what its original does (its dashboard and alerts need to know).
      const runtime = SERVICE_RUNTIMES[spec.name];
      if (runtime) SERVICE_RUNTIMES[copy.name] = runtime;
      catalogue.SERVICE_NAMES.push(copy.name);
    }
  }

  const t1 = performance.now();
  const run = await runProgram(readStackConfig(root, "prod"), resolve(root, "index.ts"));
  writeRender(run, outDir);
  const programMs = performance.now() - t1;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ copies, sdkMs, programMs, resources: run.resources.length, peakRssMb })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
