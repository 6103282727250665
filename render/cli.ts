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

const USAGE = "usage: npm run render -- <stack> [--out <dir>] [--stack-dir <dir>]   (stacks: the Pulumi.<stack>.yaml files)";

export interface CliArgs {
  stack: string;
  out: string | undefined;
  /** Where the stack files are (Pulumi.yaml's `stackConfigDir`); default the project folder. */
  stackDir: string | undefined;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  let stack: string | undefined;
  const options: Record<"--out" | "--stack-dir", string | undefined> = { "--out": undefined, "--stack-dir": undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg?.split(/=(.*)/s) ?? [];
    if (flag === "--out" || flag === "--stack-dir") {
      const value = inline ?? argv[++i];
      if (!value) throw new UsageError(`${flag} needs a directory. ${USAGE}`);
      options[flag] = value;
    } else if (arg?.startsWith("-")) {
      throw new UsageError(`unknown option ${arg}. ${USAGE}`);
    } else if (stack === undefined) {
      stack = arg;
    } else {
      throw new UsageError(`one stack at a time (got ${stack} and ${arg}). ${USAGE}`);
    }
  }
  if (!stack) throw new UsageError(USAGE);
  return { stack, out: options["--out"], stackDir: options["--stack-dir"] };
}

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
