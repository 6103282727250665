import * as fs from "node:fs";
import * as path from "node:path";

/** What `npm run e2e` measured, kept in .bench/e2e.json for `npm run bench` to print. */
export interface E2eFigures {
  at: string;
  stacks: StackFigures[];
}

/** One stack's figures, measured in one run: the offline render of the same settings, preview, up. */
export interface StackFigures {
  stack: string;
  renderMs: number;
  previewMs: number;
  upMs: number;
  resources: number;
}

export const FIGURES_FILE = path.join(__dirname, "..", ".bench", "e2e.json");

export function writeFigures(figures: E2eFigures, file = FIGURES_FILE): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
}
