import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { dumpYaml } from "../components/lib/yaml";
import { sortDeep } from "../components/lib/hash";
import { SECRET, type CapturedResource, type ProgramRun } from "./engine";

/** Resource types that are not Kubernetes objects the program itself creates. */
const NOT_OBJECTS = [/^pulumi:providers:/, /^kubernetes:helm\.sh\//, /^kubernetes:yaml\//, /^kubernetes:kustomize\//];

export interface RenderedManifest {
  path: string;
  namespace: string;
  kind: string;
  name: string;
  object: Record<string, unknown>;
}

/** A resource's inputs if it is a Kubernetes object (`apiVersion`, `kind`, `metadata.name`). */
export function manifestOf(resource: CapturedResource): Record<string, unknown> | undefined {
  if (!resource.custom || !resource.type.startsWith("kubernetes:")) return undefined;
  if (NOT_OBJECTS.some((pattern) => pattern.test(resource.type))) return undefined;
  const { apiVersion, kind, metadata } = resource.inputs as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown };
  };
  if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof metadata?.name !== "string") return undefined;
  // The provider stores a Secret's data as a secret whatever the program marked.
  const object = kind === "Secret" && apiVersion === "v1" ? redactSecretData(resource.inputs) : resource.inputs;
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = object;
  return { apiVersion, kind, metadata: sortDeep(metadata), ...(sortDeep(rest) as Record<string, unknown>) };
}

export function manifestsOf(run: ProgramRun): RenderedManifest[] {
  const manifests: RenderedManifest[] = [];
  for (const resource of run.resources) {
    const object = manifestOf(resource);
    if (!object) continue;
    const metadata = object.metadata as { name: string; namespace?: string };
    const namespace = metadata.namespace ?? "_cluster";
    const kind = object.kind as string;
    manifests.push({
      path: join("manifests", namespace, `${kind}-${metadata.name}.yaml`),
      namespace,
      kind,
      name: metadata.name,
      object,
    });
  }
  const seen = new Set<string>();
  for (const manifest of manifests) {
    if (seen.has(manifest.path)) throw new Error(`two objects render to ${manifest.path}: a name is used twice`);
    seen.add(manifest.path);
  }
  return manifests.sort((a, b) => compare(a.path, b.path));
}

/** resources.json: every registered resource, sorted, secrets shown as "[secret]". */
export function resourcesJson(run: ProgramRun): string {
  const entries = run.resources
    .map((r) => ({
      type: r.type,
      name: r.name,
      ...(r.parent ? { parent: r.parent } : {}),
      dependsOn: r.dependsOn,
      ...(Object.keys(r.options).length > 0 ? { options: sortDeep(r.options) } : {}),
      inputs: sortDeep(r.inputs),
    }))
    .sort((a, b) => compare(a.name, b.name) || compare(a.type, b.type));
  return `${JSON.stringify(entries, null, 2)}\n`;
}

export function writeRender(run: ProgramRun, outDir: string): { manifests: RenderedManifest[] } {
  const manifests = manifestsOf(run);
  // Start from an empty directory: a stale manifest from an earlier render must not survive.
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "resources.json"), resourcesJson(run));
  writeFileSync(join(outDir, "outputs.json"), `${JSON.stringify(sortDeep(run.outputs), null, 2)}\n`);
  for (const manifest of manifests) {
    const path = join(outDir, manifest.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, dumpYaml(manifest.object));
  }
  // The restore of each database, as `pulumi stack output restoreManifests` gives it: files an
  // admin applies by hand (docs/runbooks/restore-a-database.md), never part of manifests/.
  const restore = run.outputs.restoreManifests;
  if (restore !== null && typeof restore === "object") {
    mkdirSync(join(outDir, "restore"), { recursive: true });
    for (const [engine, text] of Object.entries(restore as Record<string, unknown>)) {
      if (typeof text === "string") writeFileSync(join(outDir, "restore", `${engine}.yaml`), text);
    }
  }
  return { manifests };
}

/** The short summary printed after a render. */
export function summary(run: ProgramRun, manifests: readonly RenderedManifest[]): string {
  const count = (keys: string[]) =>
    [...keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>())].sort(([a], [b]) => compare(a, b));
  const lines = [`${run.resources.length} resources:`];
  for (const [type, n] of count(run.resources.map((r) => r.type))) lines.push(`  ${String(n).padStart(4)}  ${type}`);
  lines.push(`${manifests.length} Kubernetes objects:`);
  for (const [ns, n] of count(manifests.map((m) => m.namespace))) lines.push(`  ${String(n).padStart(4)}  ${ns}`);
  // A laptop stack's selection report (the `laptop` stack output): what runs, why, where, and its cost.
  const laptop = (run.outputs.laptop as { summary?: unknown } | undefined)?.summary;
  if (Array.isArray(laptop)) lines.push(...laptop.filter((line): line is string => typeof line === "string"));
  return lines.join("\n");
}

function redactSecretData(inputs: Record<string, unknown>): Record<string, unknown> {
  const redact = (data: unknown) =>
    data && typeof data === "object" ? Object.fromEntries(Object.keys(data).map((k) => [k, SECRET])) : data;
  return { ...inputs, data: redact(inputs.data), stringData: redact(inputs.stringData) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
