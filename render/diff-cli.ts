/**
 * npm run diff -- <stack> [--base <git ref>] [--max-chars <n>]
 * Prints, as Markdown for a pull-request comment, what changes between the render of the stack
 * at the base (default: the merge base with main) and the working tree (docs/decisions/018).
 * Exit codes: 0 whether or not anything changed; 2 bad arguments, unknown stack or ref; 1 anything else.
 */
import { resolve } from "node:path";
import { COMMENT_LIMIT } from "./diff";
import { runDiff } from "./diff-run";
import { runCli } from "./run-cli";
import { UsageError } from "./stack-file";

const USAGE = "usage: npm run diff -- <stack> [--base <git ref>] [--max-chars <n>]";

export interface DiffArgs {
  stack: string;
  base: string | undefined;
  maxChars: number;
}

export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  let stack: string | undefined;
  let base: string | undefined;
  let maxChars = COMMENT_LIMIT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split(/=(.*)/s);
    if (flag === "--base" || flag === "--max-chars") {
      const value = inline ?? argv[++i];
      if (!value) throw new UsageError(`${flag} needs a value. ${USAGE}`);
      if (flag === "--base") base = value;
      else if (!/^\d+$/.test(value) || Number(value) < 1000) {
        throw new UsageError(`--max-chars ${value}: not a number of characters of at least 1000. ${USAGE}`);
      } else maxChars = Number(value);
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${arg}. ${USAGE}`);
    } else if (stack === undefined) {
      stack = arg;
    } else {
      throw new UsageError(`one stack at a time (got ${stack} and ${arg}). ${USAGE}`);
    }
  }
  if (!stack) throw new UsageError(USAGE);
  return { stack, base, maxChars };
}

async function main(): Promise<number> {
  const args = parseDiffArgs(process.argv.slice(2));
  const markdown = await runDiff({ root: resolve(__dirname, ".."), ...args });
  process.stdout.write(markdown);
  return 0;
}

if (require.main === module) runCli("diff", main);
