import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRender, type CliResult } from "./cli";

/** A laptop stack file's settings, as a developer writes them; `extra` lines are appended under `config:`. */
export function laptopStack(extra: string): string {
  return [
    "config:",
    "  faf:environment: local",
    "  faf:baseDomain: faforever.localhost",
    "  faf:kubernetes:",
    "    context: k3d-faf",
    "  faf:storage:",
    "    dataPath: /var/lib/faf-data",
    "  faf:secrets:",
    "    source: generated",
    "  faf:argocd:",
    "    enabled: false",
    extra,
    "",
  ].join("\n");
}

/** Renders a stack file written into a temporary folder; `cleanup` removes the folder. */
export function renderStackText(name: string, text: string): CliResult & { out: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "faf-laptop-"));
  writeFileSync(join(dir, `Pulumi.${name}.yaml`), text);
  const out = join(dir, "out");
  const result = runRender([name, "--stack-dir", dir, "--out", out]);
  return { ...result, out, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
