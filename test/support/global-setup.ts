import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { runRender } from "./cli";
import { STACKS } from "./stacks";

declare module "vitest" {
  export interface ProvidedContext {
    renderDir: string;
  }
}

/** Renders every stack once; the whole-stack tests read the output. */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "faf-render-"));
  for (const stack of STACKS) {
    const result = runRender([stack, "--out", join(dir, stack)]);
    if (result.code !== 0) throw new Error(`render of ${stack} failed (${String(result.code)}):\n${result.stderr}`);
  }
  project.provide("renderDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
