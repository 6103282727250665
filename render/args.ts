import { UsageError } from "./stack-file";

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
      throw new UsageError(`one stack at a time (got ${stack} and ${String(arg)}). ${USAGE}`);
    }
  }
  if (!stack) throw new UsageError(USAGE);
  return { stack, out: options["--out"], stackDir: options["--stack-dir"] };
}
