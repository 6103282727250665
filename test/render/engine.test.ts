import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runTsx } from "../support/cli";
import { tempDir } from "../support/temp";

// Type-only lines first: the compiled program's positions differ from the source's.
const PROGRAM = `interface Unused {
  a: string;
}
const nothing: Unused | undefined = undefined;

export function fault(): never {
  throw new Error(\`a fault in the program (\${String(nothing)})\`);
}

fault();
`;
const FAULT_LINE = 7;

interface Outcome {
  failed: boolean;
  stack?: string;
  sourceMapsAfter?: boolean;
}

/** Runs PROGRAM through the render engine in a fresh tsx process, as `npm run render` does. */
function runFaultyProgram(env: Record<string, string>): Outcome {
  const dir = tempDir("faf-engine-");
  writeFileSync(join(dir, "program.ts"), PROGRAM);
  writeFileSync(
    join(dir, "run.ts"),
    `import { runProgram } from ${JSON.stringify(join(ROOT, "render", "engine"))};
const stack = { project: "p", stack: "s", stackFile: "Pulumi.s.yaml", config: {}, secretKeys: [] };
runProgram(stack, ${JSON.stringify(join(dir, "program.ts"))}).then(
  () => console.log(JSON.stringify({ failed: false })),
  (error: Error) => console.log(JSON.stringify({ failed: true, stack: error.stack, sourceMapsAfter: process.sourceMapsEnabled })),
);
`,
  );
  const result = runTsx(join(dir, "run.ts"), [], { env });
  const line = result.stdout.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`no outcome from the run: ${result.stdout.slice(-500)} ${result.stderr.slice(-500)}`);
  return JSON.parse(line) as Outcome;
}

describe("the render engine's stack traces", () => {
  it("name the program's fault, and source maps are on again after the run", () => {
    const outcome = runFaultyProgram({});
    expect(outcome.failed).toBe(true);
    expect(outcome.stack).toContain("a fault in the program (undefined)");
    expect(outcome.stack).toContain("at fault (");
    expect(outcome.sourceMapsAfter).toBe(true);
  });

  it("give TypeScript lines with FAF_RENDER_SOURCE_MAPS=1", () => {
    const outcome = runFaultyProgram({ FAF_RENDER_SOURCE_MAPS: "1" });
    expect(outcome.failed).toBe(true);
    expect(outcome.stack).toContain(`program.ts:${FAULT_LINE}:`);
  });
});
