import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDiff } from "../../render/diff-run";
import { copyProjectFiles, ROOT, runTsx } from "../support/cli";

/**
 * npm run diff against real, temporary git repositories: a small project whose render writes
 * the objects of objects.json (fast), and a copy of this project rendered for real.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function git(repo: string, ...args: string[]): string {
  const result = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.org", ...args], {
    cwd: repo,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
}

const commit = (repo: string, message: string) => {
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", message);
  return git(repo, "rev-parse", "HEAD");
};

/** The diff CLI and everything it may import: this project's render/ and components/ (render/cli.ts is then replaced). */
const CLI_DIRS = ["render", "components"];

/** A render that writes each object of objects.json where render/output.ts would, and resources.json. */
const FAKE_RENDER = `
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
const root = resolve(__dirname, "..");
const out = process.argv[process.argv.indexOf("--out") + 1]!;
const { objects, resources } = JSON.parse(readFileSync(join(root, "objects.json"), "utf8"));
mkdirSync(out, { recursive: true });
if (objects === "fail") { process.stderr.write("this base does not render\\n"); process.exit(1); }
for (const o of objects) {
  const dir = join(out, "manifests", o.metadata.namespace ?? "_cluster");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, o.kind + "-" + o.metadata.name + ".yaml"), JSON.stringify(o, null, 2));
}
writeFileSync(join(out, "resources.json"), JSON.stringify(resources ?? []));
`;

interface Objects {
  objects: Record<string, unknown>[] | "fail";
  resources?: unknown[];
}

function smallProject(objects: Objects): string {
  const repo = mkdtempSync(join(tmpdir(), "faf-diff-repo-"));
  dirs.push(repo);
  git(repo, "init", "-q", "-b", "main");
  writeFileSync(join(repo, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
  writeFileSync(join(repo, "Pulumi.demo.yaml"), "config: {}\n");
  writeFileSync(join(repo, ".gitignore"), "node_modules\n");
  for (const dir of CLI_DIRS) cpSync(join(ROOT, dir), join(repo, dir), { recursive: true });
  writeFileSync(join(repo, "render", "cli.ts"), FAKE_RENDER);
  symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"), "dir");
  setObjects(repo, objects);
  commit(repo, "base");
  return repo;
}

const setObjects = (repo: string, objects: Objects) => writeFileSync(join(repo, "objects.json"), JSON.stringify(objects));

const cm = (name: string, data: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "faf-apps" },
  data,
});
const secret = (name: string, data: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace: "faf-apps" },
  data,
});
const deploy = (name: string, image: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "faf-apps" },
  spec: { template: { spec: { containers: [{ name, image }] } } },
});

function worktrees(repo: string): string[] {
  return git(repo, "worktree", "list", "--porcelain")
    .split("\n")
    .filter((l) => l.startsWith("worktree "));
}

function cli(repo: string, args: string[]) {
  return runTsx(join(repo, "render", "diff-cli.ts"), args, { cwd: repo });
}

describe("npm run diff in a git repository", { timeout: 180_000 }, () => {
  it("shows added, removed, changed, renamed (content hash) and secret-bearing objects against a base commit, and removes its worktree", async () => {
    const repo = smallProject({
      objects: [
        deploy("faf-api", "api:v1"),
        deploy("nodebb", "nodebb:1"),
        cm("faf-api-env-0123456789", { A: "1" }),
        secret("faf-api", { PASSWORD: "b2xkLXBhc3N3b3Jk" }),
      ],
    });
    const base = git(repo, "rev-parse", "HEAD");
    setObjects(repo, {
      objects: [
        deploy("faf-api", "api:v2"),
        deploy("wikijs", "wiki:1"),
        cm("faf-api-env-abcdefabcd", { A: "2" }),
        secret("faf-api", { PASSWORD: "bmV3LXBhc3N3b3Jk" }),
      ],
    });
    const text = await runDiff({ root: repo, stack: "demo", base });
    expect(text).toContain(`Base: \`${base}\` @ ${base.slice(0, 10)}`);
    expect(text).toContain("| faf-apps | ConfigMap | 0 | 1 | 0 | ~ faf-api-env-abcdefabcd |");
    expect(text).toContain("| faf-apps | Deployment | 1 | 1 | 1 | ~ faf-api, - nodebb, + wikijs |");
    expect(text).toContain("| faf-apps | Secret | 0 | 1 | 0 | ~ faf-api |");
    expect(text).toContain('-  A: "1"\n+  A: "2"');
    expect(text).not.toContain("b2xkLXBhc3N3b3Jk");
    expect(text).not.toContain("bmV3LXBhc3N3b3Jk");
    expect(text).toContain("Only the Secret's values changed; they are never shown.");
    expect(worktrees(repo)).toEqual([`worktree ${repo}`]);
  });

  it("compares with the merge base of main by default, not with main's newer commits", async () => {
    const repo = smallProject({ objects: [deploy("faf-api", "api:v1"), deploy("nodebb", "nodebb:1")] });
    git(repo, "checkout", "-q", "-b", "feature");
    setObjects(repo, { objects: [deploy("faf-api", "api:v2"), deploy("nodebb", "nodebb:1")] });
    commit(repo, "feature: api v2");
    git(repo, "checkout", "-q", "main");
    setObjects(repo, { objects: [deploy("faf-api", "api:v1"), deploy("nodebb", "nodebb:2")] });
    const mainHead = commit(repo, "main moves on: nodebb 2");
    git(repo, "checkout", "-q", "feature");
    const text = await runDiff({ root: repo, stack: "demo" });
    expect(text).toMatch(/Base: merge base with `main` @ [0-9a-f]{10}/);
    expect(text).not.toContain(mainHead.slice(0, 10));
    expect(text).toContain("| faf-apps | Deployment | 0 | 1 | 0 | ~ faf-api |");
    expect(text).not.toContain("nodebb");
  });

  it("cuts the details, not the summary, to the size cap and says so", async () => {
    const big = (v: string) => Array.from({ length: 40 }, (_, i) => cm(`big-${i}`, { text: `${v}\n`.repeat(500) }));
    const repo = smallProject({ objects: big("old") });
    setObjects(repo, { objects: big("new") });
    const text = await runDiff({ root: repo, stack: "demo", base: "HEAD" });
    expect(text.length).toBeLessThanOrEqual(65_536);
    expect(text).toContain("| faf-apps | ConfigMap | 0 | 40 | 0 |");
    expect(text).toMatch(/\*\*Truncated:\*\* \d+ of 40 diffs are not shown/);
  });

  it("diffs a stack that the base lacks against nothing: every object is added", async () => {
    const repo = smallProject({ objects: [deploy("faf-api", "api:v1")] });
    writeFileSync(join(repo, "Pulumi.new.yaml"), "config: {}\n");
    const text = await runDiff({ root: repo, stack: "new", base: "HEAD" });
    expect(text).toContain("(no Pulumi.new.yaml there)");
    expect(text).toContain("| faf-apps | Deployment | 1 | 0 | 0 | + faf-api |");
  });

  it("removes its worktree when the base does not render, and says why", async () => {
    const repo = smallProject({ objects: "fail" });
    setObjects(repo, { objects: [] });
    await expect(runDiff({ root: repo, stack: "demo", base: "HEAD" })).rejects.toThrow(/this base does not render/);
    expect(worktrees(repo)).toEqual([`worktree ${repo}`]);
  });

  it("exits 0 with and without changes, and 2 naming an unknown base or stack", () => {
    const repo = smallProject({ objects: [deploy("faf-api", "api:v1")] });
    const same = cli(repo, ["demo"]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain("No changes");
    setObjects(repo, { objects: [deploy("faf-api", "api:v2")] });
    const changed = cli(repo, ["demo"]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain("~ Deployment faf-apps/faf-api");
    const badBase = cli(repo, ["demo", "--base", "no-such-branch"]);
    expect(badBase.code).toBe(2);
    expect(badBase.stderr).toBe(
      "--base no-such-branch: no such commit. Fix: pass a branch, tag or commit (git log --oneline).\n",
    );
    const badStack = cli(repo, ["nope"]);
    expect(badStack.code).toBe(2);
    expect(badStack.stderr).toMatch(/^unknown stack "nope"/);
  });
});

describe("npm run diff on this project (real renders)", { timeout: 900_000 }, () => {
  /** A git repository holding this project's files as they are in the working tree. */
  function copyOfProject(): string {
    const repo = mkdtempSync(join(tmpdir(), "faf-diff-project-"));
    dirs.push(repo);
    copyProjectFiles(repo);
    git(repo, "init", "-q", "-b", "main");
    symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"), "dir");
    commit(repo, "the project as it is");
    return repo;
  }

  const edit = (repo: string, file: string, from: string, to: string) => {
    const text = readFileSync(join(repo, file), "utf8");
    expect(text).toContain(from);
    writeFileSync(join(repo, file), text.replace(from, to));
  };

  it("shows one image tag change in prod as that Deployment and that field, and a config change as one ConfigMap content change", () => {
    const repo = copyOfProject();
    const base = git(repo, "rev-parse", "HEAD");
    const spec = readFileSync(join(repo, "components/apps/faf-api.ts"), "utf8");
    const tag = /tag: "([^"]+)"/.exec(spec)![1]!;
    edit(repo, "components/apps/faf-api.ts", `tag: "${tag}"`, 'tag: "v99.0.0"');
    const image = cli(repo, ["prod", "--base", base]);
    expect(image.code, image.stderr).toBe(0);
    const tableRows = image.stdout.split("\n").filter((l) => /^\| faf|^\| _cluster|^\| argocd/.test(l));
    expect(tableRows).toEqual(["| faf-apps | Deployment | 0 | 1 | 0 | ~ faf-api |"]);
    const changedLines = image.stdout.split("\n").filter((l) => /^[-+]\s/.test(l));
    expect(changedLines.length).toBeGreaterThan(0);
    for (const line of changedLines)
      expect(line).toMatch(line.startsWith("-") ? new RegExp(`${tag.replace(/\./g, "\\.")}$`) : /v99\.0\.0$/);
    expect(changedLines.some((l) => l.includes("image: faforever/faf-java-api:v99.0.0"))).toBe(true);

    commit(repo, "faf-api v99");
    edit(
      repo,
      "components/apps/faf-api.ts",
      'MINIMUM_DAYS_BETWEEN_USERNAME_CHANGE: "90"',
      'MINIMUM_DAYS_BETWEEN_USERNAME_CHANGE: "60"',
    );
    const config = cli(repo, ["prod"]);
    expect(config.code, config.stderr).toBe(0);
    expect(config.stdout).toMatch(/\| faf-apps \| ConfigMap \| 0 \| 1 \| 0 \| ~ faf-api-env-[0-9a-f]{10} \|/);
    expect(config.stdout).toContain("| faf-apps | Deployment | 0 | 1 | 0 | ~ faf-api |");
    expect(config.stdout.match(/<summary>~ ConfigMap /g)).toHaveLength(1);
    expect(config.stdout).toContain(
      '-  MINIMUM_DAYS_BETWEEN_USERNAME_CHANGE: "90"\n+  MINIMUM_DAYS_BETWEEN_USERNAME_CHANGE: "60"',
    );
    expect(worktrees(repo)).toEqual([`worktree ${repo}`]);
  });
});
