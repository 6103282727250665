import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { parse } from "yaml";
import { diffMarkdown, diffRenders, type RenderTree, type ResourceEntry, type TreeObject } from "./diff";
import { UsageError } from "./stack-file";

/**
 * npm run diff: renders a stack at a base commit (in a temporary git worktree, always removed)
 * and in the working tree, and returns the Markdown review diff (docs/decisions/018).
 */

export interface DiffRun {
  /** The repository (its working tree is the head of the diff). */
  root: string;
  stack: string;
  /** A git ref; default the merge base of HEAD with main (or origin/main). */
  base?: string;
  maxChars?: number;
}

function git(root: string, args: string[]): { ok: boolean; out: string; err: string } {
  const result = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  return { ok: result.status === 0, out: result.stdout.trim(), err: result.stderr.trim() };
}

/** The commit to compare against, and how to name it. */
export function resolveBase(root: string, base: string | undefined): { sha: string; label: string } {
  if (!git(root, ["rev-parse", "--git-dir"]).ok)
    throw new UsageError(`${root} is not a git repository: npm run diff compares commits.`);
  if (base !== undefined) {
    const sha = git(root, ["rev-parse", "--verify", "--quiet", `${base}^{commit}`]);
    if (!sha.ok) throw new UsageError(`--base ${base}: no such commit. Fix: pass a branch, tag or commit (git log --oneline).`);
    return { sha: sha.out, label: `\`${base}\` @ ${sha.out.slice(0, 10)}` };
  }
  for (const main of ["main", "origin/main"]) {
    if (!git(root, ["rev-parse", "--verify", "--quiet", `${main}^{commit}`]).ok) continue;
    const sha = git(root, ["merge-base", "HEAD", main]);
    if (sha.ok) return { sha: sha.out, label: `merge base with \`${main}\` @ ${sha.out.slice(0, 10)}` };
  }
  throw new UsageError(
    "no main or origin/main to compare with. Fix: pass --base <git ref> (git fetch origin main in a shallow clone).",
  );
}

/** Reads a render directory (render/output.ts) as the diff sees it. */
export function readRenderTree(dir: string): RenderTree {
  const manifests = join(dir, "manifests");
  const objects: TreeObject[] = [];
  if (existsSync(manifests)) {
    for (const entry of readdirSync(manifests, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".yaml")) continue;
      const path = join(entry.parentPath, entry.name);
      const object = parse(readFileSync(path, "utf8")) as Record<string, unknown> & { kind: string; metadata: { name: string } };
      const namespace = relative(manifests, entry.parentPath).split(sep)[0]!;
      objects.push({ namespace, kind: object.kind, name: object.metadata.name, object });
    }
  }
  const resourcesFile = join(dir, "resources.json");
  const resources = existsSync(resourcesFile) ? (JSON.parse(readFileSync(resourcesFile, "utf8")) as ResourceEntry[]) : [];
  return { objects, resources };
}

/** Runs a tree's own render CLI with the tools installed in `root`. */
function render(root: string, tree: string, stack: string, out: string): Promise<void> {
  const tsx = join(root, "node_modules", ".bin", "tsx");
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [join(tree, "render", "cli.ts"), stack, "--out", out], {
      cwd: tree,
      env: { ...process.env, NODE_OPTIONS: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`rendering ${stack} in ${tree} failed (exit ${String(code)}):\n${stderr.trim()}`));
    });
  });
}

export async function runDiff(options: DiffRun): Promise<string> {
  const { root, stack } = options;
  if (!existsSync(join(root, `Pulumi.${stack}.yaml`))) {
    throw new UsageError(`unknown stack "${stack}": there is no Pulumi.${stack}.yaml in ${root}.`);
  }
  const base = resolveBase(root, options.base);
  const tmp = mkdtempSync(join(tmpdir(), "faf-diff-"));
  const worktree = join(tmp, "base");
  try {
    const added = git(root, ["worktree", "add", "--detach", worktree, base.sha]);
    if (!added.ok) throw new Error(`git worktree add failed: ${added.err}`);
    // The base renders with the working tree's dependencies: a base whose package.json differs
    // still renders unless it needs a package the working tree lacks (then the error says which).
    if (existsSync(join(root, "node_modules")) && !existsSync(join(worktree, "node_modules"))) {
      symlinkSync(join(root, "node_modules"), join(worktree, "node_modules"), "dir");
    }
    const baseOut = join(tmp, "render-base");
    const headOut = join(tmp, "render-head");
    // A stack that the base does not have yet diffs against nothing: every object is added.
    const baseHasStack = existsSync(join(worktree, `Pulumi.${stack}.yaml`));
    // Both renders finish before the cleanup below, even when one fails: a render still running
    // would write into the removed directory.
    const results = await Promise.allSettled([
      baseHasStack ? render(root, worktree, stack, baseOut) : Promise.resolve(),
      render(root, root, stack, headOut),
    ]);
    for (const result of results) if (result.status === "rejected") throw result.reason;
    const label = baseHasStack ? base.label : `${base.label} (no Pulumi.${stack}.yaml there)`;
    return diffMarkdown(diffRenders(readRenderTree(baseOut), readRenderTree(headOut)), {
      stack,
      baseLabel: label,
      maxChars: options.maxChars,
    });
  } finally {
    git(root, ["worktree", "remove", "--force", worktree]);
    rmSync(tmp, { recursive: true, force: true });
  }
}
