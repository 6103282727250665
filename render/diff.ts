import { createTwoFilesPatch } from "diff";
import { dumpYaml } from "../components/lib/yaml";
import { stableStringify } from "../components/lib/hash";

/**
 * The review diff between two renders of a stack (docs/decisions/018). Pure: the CLI
 * (render/diff-cli.ts) renders the base and the working tree and hands both here.
 */

/** GitHub's limit on the body of a pull-request comment. */
export const COMMENT_LIMIT = 65_536;

/** A name that ends in a content hash (`faf-api-env-021b05562d`): ConfigMaps and one-shot Jobs. */
const HASHED = /^(.+)-[0-9a-f]{10}$/;
/** What a Secret's values show as in a diff, whatever they were. */
export const HIDDEN = "(hidden)";
/** The most object names a summary row lists before "and N more". */
const NAMES_PER_ROW = 8;

export interface TreeObject {
  namespace: string;
  kind: string;
  name: string;
  object: Record<string, unknown>;
}

/** One entry of resources.json. */
export interface ResourceEntry {
  type: string;
  name: string;
  parent?: string;
  dependsOn?: string[];
  options?: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

/** A render as the diff reads it: the Kubernetes objects and every registered resource. */
export interface RenderTree {
  objects: TreeObject[];
  resources: ResourceEntry[];
}

export type Change = "added" | "changed" | "removed";

export interface ObjectChange {
  change: Change;
  namespace: string;
  kind: string;
  /** The name in the working tree (the base's name when removed). */
  name: string;
  /** The base's name when only the content hash in the name differs. */
  previousName?: string;
  /** A Secret: its values are never shown, and changes to them only said. */
  secret: boolean;
  before?: string;
  after?: string;
}

export interface ChartChange {
  change: Change;
  name: string;
  chart: string;
  versionBefore?: string;
  versionAfter?: string;
  valuesChanged: boolean;
  before?: string;
  after?: string;
}

export interface TextChange {
  change: Change;
  name: string;
  before?: string;
  after?: string;
}

export interface RenderDiff {
  objects: ObjectChange[];
  charts: ChartChange[];
  steps: TextChange[];
  /** Other resources (providers, generated passwords, components) whose inputs or options changed. */
  others: TextChange[];
}

const isChart = (type: string) =>
  /^kubernetes:helm\.sh\/v\d+:(Chart|Release)$/.test(type) || /^kubernetes:(yaml|kustomize)\/v\d+:/.test(type);
const isStep = (type: string) => /^command:(remote|local):Command$/.test(type);
const isObject = (resource: ResourceEntry) =>
  resource.type.startsWith("kubernetes:") &&
  !resource.type.startsWith("kubernetes:helm.sh/") &&
  typeof resource.inputs.kind === "string" &&
  typeof (resource.inputs.metadata as { name?: unknown } | undefined)?.name === "string";

/** A Secret's manifest with every value of `data` and `stringData` replaced by {@link HIDDEN}. */
export function hideSecretValues(object: Record<string, unknown>): Record<string, unknown> {
  const hide = (data: unknown) =>
    data !== null && typeof data === "object" ? Object.fromEntries(Object.keys(data).map((k) => [k, HIDDEN])) : data;
  const hidden = { ...object };
  if ("data" in object) hidden.data = hide(object.data);
  if ("stringData" in object) hidden.stringData = hide(object.stringData);
  return hidden;
}

const isSecret = (o: TreeObject) => o.kind === "Secret" && o.object.apiVersion === "v1";
const shown = (o: TreeObject) => dumpYaml(isSecret(o) ? hideSecretValues(o.object) : o.object);
const key = (o: { namespace: string; kind: string }, name: string) => `${o.namespace}/${o.kind}/${name}`;

/** The objects added, changed and removed; a changed content hash in a name is a change, not a delete and an add. */
export function diffObjects(base: readonly TreeObject[], head: readonly TreeObject[]): ObjectChange[] {
  const before = new Map(base.map((o) => [key(o, o.name), o]));
  const after = new Map(head.map((o) => [key(o, o.name), o]));
  const changes: ObjectChange[] = [];
  const removed: TreeObject[] = [];
  const added: TreeObject[] = [];
  for (const [k, old] of before) {
    const now = after.get(k);
    if (!now) removed.push(old);
    else if (stableStringify(old.object) !== stableStringify(now.object)) changes.push(changed(old, now));
  }
  for (const [k, now] of after) if (!before.has(k)) added.push(now);
  // Pair a removed and an added object whose names differ only in the hash, in name order.
  const stem = (o: TreeObject) => key(o, HASHED.exec(o.name)?.[1] ?? o.name);
  const byStem = new Map<string, TreeObject[]>();
  for (const o of [...added].sort(byName)) byStem.set(stem(o), [...(byStem.get(stem(o)) ?? []), o]);
  for (const old of [...removed].sort(byName)) {
    const candidates = HASHED.test(old.name) ? byStem.get(stem(old)) : undefined;
    const now = candidates?.find((o) => HASHED.test(o.name));
    if (now) {
      candidates!.splice(candidates!.indexOf(now), 1);
      added.splice(added.indexOf(now), 1);
      changes.push(changed(old, now));
    } else {
      changes.push({ ...identity(old), change: "removed", secret: isSecret(old), before: shown(old) });
    }
  }
  for (const now of added) changes.push({ ...identity(now), change: "added", secret: isSecret(now), after: shown(now) });
  return changes.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.kind, b.kind) || compare(a.name, b.name));
}

function changed(old: TreeObject, now: TreeObject): ObjectChange {
  return {
    ...identity(now),
    ...(old.name !== now.name ? { previousName: old.name } : {}),
    change: "changed",
    secret: isSecret(now) || isSecret(old),
    before: shown(old),
    after: shown(now),
  };
}

const identity = (o: TreeObject) => ({ namespace: o.namespace, kind: o.kind, name: o.name });
const byName = (a: TreeObject, b: TreeObject) => compare(a.name, b.name);

function pairResources(base: readonly ResourceEntry[], head: readonly ResourceEntry[], pick: (r: ResourceEntry) => boolean) {
  const index = (list: readonly ResourceEntry[]) => new Map(list.filter(pick).map((r) => [`${r.type}::${r.name}`, r]));
  const before = index(base);
  const after = index(head);
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort(compare);
  return keys.map((k) => ({ before: before.get(k), after: after.get(k) }));
}

const changeOf = (before: unknown, after: unknown): Change =>
  before === undefined ? "added" : after === undefined ? "removed" : "changed";

/** Charts and release manifests whose version or values changed, or that were added or removed. */
export function diffCharts(base: readonly ResourceEntry[], head: readonly ResourceEntry[]): ChartChange[] {
  const version = (r: ResourceEntry | undefined) => {
    const v = r?.inputs.version ?? r?.inputs.file ?? r?.inputs.directory ?? r?.inputs.files;
    return v === undefined ? undefined : typeof v === "string" ? v : stableStringify(v);
  };
  const values = (r: ResourceEntry | undefined) => (r ? dumpYaml(r.inputs.values ?? {}) : undefined);
  const changes: ChartChange[] = [];
  for (const { before, after } of pairResources(base, head, (r) => isChart(r.type))) {
    const valuesChanged = values(before) !== values(after);
    const rest = (r: ResourceEntry | undefined) => stableStringify({ ...r?.inputs, values: undefined, version: undefined });
    if (before && after && version(before) === version(after) && !valuesChanged && rest(before) === rest(after)) continue;
    const entry = (after ?? before)!;
    changes.push({
      change: changeOf(before, after),
      name: entry.name,
      chart: typeof entry.inputs.chart === "string" ? entry.inputs.chart : entry.type.split(":").pop()!,
      versionBefore: version(before),
      versionAfter: version(after),
      valuesChanged: before !== undefined && after !== undefined && valuesChanged,
      before: before ? dumpYaml(before.inputs) : undefined,
      after: after ? dumpYaml(after.inputs) : undefined,
    });
  }
  return changes;
}

/** The text of a host step: its create, update and delete scripts. */
export function stepScript(resource: ResourceEntry): string {
  return ["create", "update", "delete"]
    .filter((k) => resource.inputs[k] !== undefined)
    .map((k) => {
      const script = resource.inputs[k];
      return `# ${k}\n${typeof script === "string" ? script : stableStringify(script)}\n`;
    })
    .join("\n");
}

/** Host steps whose scripts changed, or that were added or removed. */
export function diffSteps(base: readonly ResourceEntry[], head: readonly ResourceEntry[]): TextChange[] {
  return textChanges(
    pairResources(base, head, (r) => isStep(r.type)),
    stepScript,
  );
}

/** Any other resource whose inputs or options changed; Kubernetes objects only for their options (protect, ...). */
export function diffOthers(base: readonly ResourceEntry[], head: readonly ResourceEntry[]): TextChange[] {
  const others = pairResources(base, head, (r) => !isChart(r.type) && !isStep(r.type) && !isObject(r));
  const text = (r: ResourceEntry) => dumpYaml({ type: r.type, options: r.options ?? {}, inputs: r.inputs });
  const objects = pairResources(base, head, isObject).filter((p) => p.before && p.after);
  const options = (r: ResourceEntry) => dumpYaml({ type: r.type, options: r.options ?? {} });
  return [...textChanges(others, text), ...textChanges(objects, options)].sort((a, b) => compare(a.name, b.name));
}

function textChanges(pairs: { before?: ResourceEntry; after?: ResourceEntry }[], text: (r: ResourceEntry) => string) {
  const changes: TextChange[] = [];
  for (const { before, after } of pairs) {
    const a = before && text(before);
    const b = after && text(after);
    if (a === b) continue;
    changes.push({ change: changeOf(a, b), name: (after ?? before)!.name, before: a, after: b });
  }
  return changes;
}

export function diffRenders(base: RenderTree, head: RenderTree): RenderDiff {
  return {
    objects: diffObjects(base.objects, head.objects),
    charts: diffCharts(base.resources, head.resources),
    steps: diffSteps(base.resources, head.resources),
    others: diffOthers(base.resources, head.resources),
  };
}

/** A unified diff of two texts, without the file header lines. */
export function unifiedDiff(before: string | undefined, after: string | undefined, context = 3): string {
  const patch = createTwoFilesPatch("base", "head", before ?? "", after ?? "", undefined, undefined, { context });
  return patch
    .split("\n")
    .filter((line) => !/^(={10,}|--- base|\+\+\+ head|Index:)/.test(line) && line !== "\\ No newline at end of file")
    .join("\n")
    .trimEnd();
}

export interface MarkdownOptions {
  stack: string;
  /** What the base is, for the heading (`main @ 1a2b3c4`). */
  baseLabel: string;
  maxChars?: number;
}

const SIGN: Record<Change, string> = { added: "+", changed: "~", removed: "-" };

/** A fenced code block whose fence is longer than any run of backticks inside. */
function fenced(text: string, language = "diff"): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

function objectLabel(c: ObjectChange): string {
  const where = c.namespace === "_cluster" ? c.name : `${c.namespace}/${c.name}`;
  return `${SIGN[c.change]} ${c.kind} ${where}${c.previousName ? ` (was ${c.previousName}: content changed)` : ""}`;
}

/** The summary: counts per namespace and kind naming the objects, charts, host steps and other resources. */
export function summaryMarkdown(diff: RenderDiff, options: MarkdownOptions): string {
  const lines = [
    `### Render diff: \`${options.stack}\``,
    "",
    `Base: ${options.baseLabel}; head: this branch's working tree.`,
    "",
  ];
  const total = diff.objects.length + diff.charts.length + diff.steps.length + diff.others.length;
  if (total === 0) {
    lines.push("No changes: the rendered objects, charts, host steps and resources are identical.");
    return lines.join("\n");
  }
  if (diff.objects.length > 0) {
    lines.push("| namespace | kind | added | changed | removed | objects |", "| --- | --- | ---: | ---: | ---: | --- |");
    const rows = new Map<string, ObjectChange[]>();
    for (const c of diff.objects)
      rows.set(`${c.namespace}\u0000${c.kind}`, [...(rows.get(`${c.namespace}\u0000${c.kind}`) ?? []), c]);
    for (const [k, changes] of rows) {
      const [namespace, kind] = k.split("\u0000") as [string, string];
      const count = (change: Change) => changes.filter((c) => c.change === change).length;
      const names = changes.slice(0, NAMES_PER_ROW).map((c) => `${SIGN[c.change]} ${c.name}`);
      if (changes.length > NAMES_PER_ROW) names.push(`and ${changes.length - NAMES_PER_ROW} more`);
      lines.push(
        `| ${namespace} | ${kind} | ${count("added")} | ${count("changed")} | ${count("removed")} | ${cell(names.join(", "))} |`,
      );
    }
    lines.push("");
  } else {
    lines.push("No Kubernetes object changes.", "");
  }
  if (diff.charts.length > 0) {
    lines.push("| chart or release manifest | change | version | values |", "| --- | --- | --- | --- |");
    for (const c of diff.charts) {
      const version =
        c.versionBefore === c.versionAfter
          ? (c.versionAfter ?? "")
          : `${c.versionBefore ?? "(none)"} → ${c.versionAfter ?? "(none)"}`;
      lines.push(`| ${cell(`${c.name} (${c.chart})`)} | ${c.change} | ${cell(version)} | ${c.valuesChanged ? "changed" : ""} |`);
    }
    lines.push("");
  }
  if (diff.steps.length > 0) {
    lines.push(`Host steps whose scripts changed: ${diff.steps.map((s) => `\`${s.name}\` (${s.change})`).join(", ")}.`, "");
  }
  if (diff.others.length > 0) {
    lines.push(`Other resources changed: ${diff.others.map((s) => `\`${s.name}\` (${s.change})`).join(", ")}.`, "");
  }
  if (diff.objects.some((c) => c.secret))
    lines.push("Secrets are listed by name and key only: their values are never shown.", "");
  return lines.join("\n").trimEnd();
}

function details(summary: string, body: string): string {
  return `<details><summary>${summary.replace(/</g, "&lt;")}</summary>\n\n${body}\n\n</details>`;
}

/** One folded block per change, in summary order. */
export function detailBlocks(diff: RenderDiff): string[] {
  const blocks: string[] = [];
  for (const c of diff.objects) {
    let body = fenced(unifiedDiff(c.before, c.after));
    if (c.secret && c.before !== undefined && c.after !== undefined && c.before === c.after) {
      body = "Only the Secret's values changed; they are never shown.";
    }
    blocks.push(details(objectLabel(c), body));
  }
  for (const c of diff.charts) {
    blocks.push(details(`${SIGN[c.change]} chart ${c.name} (${c.chart})`, fenced(unifiedDiff(c.before, c.after))));
  }
  for (const c of diff.steps)
    blocks.push(details(`${SIGN[c.change]} host step ${c.name}`, fenced(unifiedDiff(c.before, c.after))));
  for (const c of diff.others)
    blocks.push(details(`${SIGN[c.change]} resource ${c.name}`, fenced(unifiedDiff(c.before, c.after))));
  return blocks;
}

/**
 * The whole comment: the summary, then as many folded diffs as fit in `maxChars`. The summary
 * is never cut; diffs that do not fit are named in a note that says the details were truncated.
 */
export function diffMarkdown(diff: RenderDiff, options: MarkdownOptions): string {
  const max = options.maxChars ?? COMMENT_LIMIT;
  const summary = summaryMarkdown(diff, options);
  const blocks = detailBlocks(diff);
  if (blocks.length === 0) return `${summary}\n`;
  const note = (left: number) =>
    `> **Truncated:** ${left} of ${blocks.length} diffs are not shown, to fit a pull-request comment (${max} characters). ` +
    `Run \`npm run diff -- ${options.stack}\` on the branch to see them all.`;
  const reserve = note(blocks.length).length + 4;
  let text = `${summary}\n`;
  let left = 0;
  for (const block of blocks) {
    if (text.length + block.length + 2 + reserve <= max) text += `\n${block}\n`;
    else left++;
  }
  if (left > 0) text += `\n${note(left)}\n`;
  return text;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
