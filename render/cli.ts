/**
 * npm run render -- <stack> [--out <dir>]
 * Runs the real program (index.ts) under Pulumi's mock engine with the settings of
 * Pulumi.<stack>.yaml and writes what `pulumi up` would be asked to create.
 * Exit codes: 0 rendered; 2 bad settings, unknown stack or bad arguments; 1 anything else.
 */
import { resolve } from "node:path";
import { runProgram } from "./engine";
import { summary, writeRender } from "./output";
import { readStackConfig, UsageError } from "./stack-file";

const USAGE = "usage: npm run render -- <stack> [--out <dir>]   (stacks: the Pulumi.<stack>.yaml files)";

export function parseArgs(argv: readonly string[]): { stack: string; out: string | undefined } {
  let stack: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--out") {
      out = argv[++i];
      if (!out) throw new UsageError(`--out needs a directory. ${USAGE}`);
    } else if (arg?.startsWith("--out=")) {
      out = arg.slice("--out=".length);
    } else if (arg?.startsWith("-")) {
      throw new UsageError(`unknown option ${arg}. ${USAGE}`);
    } else if (stack === undefined) {
      stack = arg;
    } else {
      throw new UsageError(`one stack at a time (got ${stack} and ${arg}). ${USAGE}`);
    }
  }
  if (!stack) throw new UsageError(USAGE);
  return { stack, out };
}

async function main(): Promise<number> {
  const root = resolve(__dirname, "..");
  const { stack, out } = parseArgs(process.argv.slice(2));
  const config = readStackConfig(root, stack);
  const outDir = resolve(out ?? resolve(root, "rendered", stack));
  const run = await runProgram(config, resolve(root, "index.ts"));
  const { manifests } = writeRender(run, outDir);
  process.stdout.write(`Rendered stack ${stack} (${config.stackFile}) to ${outDir}\n${summary(run, manifests)}\n`);
  return 0;
}

function isSettingsError(error: unknown): error is Error {
  return error instanceof Error && (error.name === "SettingsError" || error instanceof UsageError);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (isSettingsError(error)) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`render failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
