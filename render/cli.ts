/**
 * npm run render -- <stack> [--out <dir>]
 * Runs the real program (index.ts) under Pulumi's mock engine with the settings of
 * Pulumi.<stack>.yaml and writes what `pulumi up` would be asked to create.
 * Exit codes: 0 rendered; 2 bad settings, unknown stack or bad arguments; 1 anything else.
 */
import { resolve } from "node:path";
import { keepsSourceMaps, runProgram } from "./engine";
import { summary, writeRender } from "./output";
import { parseArgs } from "./args";
import { runCli } from "./run-cli";
import { readStackConfig } from "./stack-file";

async function main(): Promise<number> {
  const root = resolve(__dirname, "..");
  const { stack, out, stackDir } = parseArgs(process.argv.slice(2));
  const config = readStackConfig(root, stack, stackDir ? resolve(stackDir) : root);
  const outDir = resolve(out ?? resolve(root, "rendered", stack));
  const run = await runProgram(config, resolve(root, "index.ts"));
  const { manifests } = writeRender(run, outDir);
  process.stdout.write(`Rendered stack ${stack} (${config.stackFile}) to ${outDir}\n${summary(run, manifests)}\n`);
  return 0;
}

runCli("render", main, {
  stack: true,
  faultHint: keepsSourceMaps()
    ? undefined
    : "(The trace's positions are in the compiled program; FAF_RENDER_SOURCE_MAPS=1 npm run render -- <stack> gives TypeScript lines.)",
});
