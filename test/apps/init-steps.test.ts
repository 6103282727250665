import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fafPolicyServer } from "../../components/apps/faf-policy-server";
import { allObjects, renderWorkload, type RenderContext } from "../../components/apps/render";
import type { WorkloadSpec } from "../../components/apps/spec";
import { laptopContext, serverContext } from "../support/render-context";

const context = (environment: RenderContext["environment"]): RenderContext =>
  environment === "local" ? laptopContext() : serverContext(environment);

function podOf(spec: WorkloadSpec, environment: RenderContext["environment"] = "prod"): any {
  const controller = allObjects(renderWorkload(spec, context(environment))).find((r) => r.object.kind === "Deployment");
  return (controller!.object as any).spec.template.spec;
}

const base: WorkloadSpec = {
  name: "sample",
  description: "a workload with a download before it starts",
  image: { repository: "example/sample", tag: "1.0.0" },
  ports: [{ name: "http", port: 8080 }],
  env: { EDITION: "City" },
  secrets: { keys: ["DB_PASSWORD", "LICENSE_KEY"] },
  scratch: [{ mountPath: "/data" }],
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  init: [
    {
      name: "download",
      image: { repository: "example/downloader", tag: "2.0.0" },
      env: { TARGET: "/data" },
      secretKeys: ["LICENSE_KEY"],
      resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
      only: { environments: ["prod", "test"], reason: "a laptop has no licence" },
    },
  ],
};

describe("init steps", () => {
  it("run before the main container, on the same volumes, with the same hardening and their own limits", () => {
    const pod = podOf(base);
    expect(pod.initContainers).toHaveLength(1);
    const [step] = pod.initContainers;
    expect(step.name).toBe("download");
    expect(step.image).toBe("example/downloader:2.0.0");
    expect(step.volumeMounts).toEqual(pod.containers[0].volumeMounts);
    expect(step.securityContext).toEqual(pod.containers[0].securityContext);
    expect(step.resources).toEqual({ requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } });
    // No probes or ports: a step runs to completion.
    expect(step.ports).toBeUndefined();
  });

  it("read the workload's plain environment, their own, and only the Secret keys they name", () => {
    const [step] = podOf(base).initContainers;
    expect(step.envFrom).toEqual(podOf(base).containers[0].envFrom);
    expect(step.env).toEqual([
      { name: "TARGET", value: "/data" },
      { name: "LICENSE_KEY", valueFrom: { secretKeyRef: { name: "sample", key: "LICENSE_KEY" } } },
    ]);
  });

  it("are left out where their spec says they cannot run", () => {
    expect(podOf(base, "test").initContainers).toHaveLength(1);
    expect(podOf(base, "local").initContainers).toBeUndefined();
  });

  it("are not run by the workload's jobs", () => {
    const spec: WorkloadSpec = { ...base, jobs: [{ name: "migrate", args: ["migrate"] }] };
    const job = allObjects(renderWorkload(spec, context("prod"))).find((r) => r.object.kind === "Job")!;
    expect((job.object as any).spec.template.spec.initContainers).toBeUndefined();
  });

  it("refuse a Secret key the workload does not declare, naming the key and the fix", () => {
    const bad: WorkloadSpec = { ...base, init: [{ ...base.init![0]!, secretKeys: ["LICENCE_KEY"] }] };
    expect(() => podOf(bad)).toThrow(
      'sample.init.download.secretKeys: "LICENCE_KEY" is not one of the workload\'s secret keys (DB_PASSWORD, LICENSE_KEY); declare it in secrets.keys',
    );
  });
});

describe("faf-policy-server's load-uid-verifier script", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const step = fafPolicyServer.init!.find((s) => s.name === "load-uid-verifier")!;
  const script = step.args![0]!;
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], { cwd, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };

  it("replaces what a previous start left with a fresh clone, and keeps no credentials in it", () => {
    const root = mkdtempSync(join(tmpdir(), "faf-uid-verifier-"));
    dirs.push(root);
    const source = join(root, "source");
    mkdirSync(source);
    git(source, "init", "-q", "-b", "main");
    writeFileSync(join(source, "verifier.py"), "VERIFIED = True\n");
    git(source, "add", "-A");
    git(source, "commit", "-q", "-m", "verifier");
    const target = join(root, "verifier");
    mkdirSync(target);
    writeFileSync(join(target, "stale.py"), "left by the previous pod start\n");

    const result = spawnSync("/bin/sh", ["-c", script], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        ...step.env,
        REPOSITORY: `file://${source}`,
        TARGET: target,
        HOME: root,
        GITHUB_USER: "faf-bot",
        GITHUB_TOKEN: "ghp_secret-token-value",
      },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(target, "verifier.py"), "utf8")).toBe("VERIFIED = True\n");
    expect(existsSync(join(target, "stale.py"))).toBe(false);
    expect(result.stdout).toMatch(/^uid-verifier [0-9a-f]{7,} in /m);
    const config = readFileSync(join(target, ".git", "config"), "utf8");
    expect(config).not.toContain("ghp_secret-token-value");
    expect(config).not.toContain("credential");
    expect(readdirSync(root).some((f) => f === ".gitconfig")).toBe(false);
  });

  it("hands git the token and user from the environment through its credential helper", () => {
    const helper = /credential\.helper='([^']+)'/.exec(script)?.[1] ?? "";
    expect(helper, "a credential helper in the clone command").not.toBe("");
    const result = spawnSync("git", ["-c", `credential.helper=${helper}`, "credential", "fill"], {
      input: "protocol=https\nhost=github.com\n\n",
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: tmpdir(), GIT_TERMINAL_PROMPT: "0", GITHUB_USER: "faf-bot", GITHUB_TOKEN: "t0ken" },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("username=faf-bot\n");
    expect(result.stdout).toContain("password=t0ken\n");
  });
});
