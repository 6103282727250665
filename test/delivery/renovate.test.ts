import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE } from "../../components/apps/catalogue";
import { MARIADB_IMAGE } from "../../components/data/mariadb";
import { MONGODB_IMAGE } from "../../components/data/mongodb";
import { PGAUTOUPGRADE_IMAGE, POSTGRES_IMAGE } from "../../components/data/postgres";
import { RABBITMQ_IMAGE } from "../../components/data/rabbitmq";
import { CHARTS, MANIFESTS } from "../../components/platform/charts";
import { copyProjectFiles, ROOT } from "../support/cli";
import { renovateBin, renovateEnv } from "../support/renovate";

interface Dep {
  depName: string;
  currentValue: string;
  datasource: string;
  registryUrls?: string[];
  replaceString?: string;
}
type Extracted = { manager: string; file: string; dep: Dep }[];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A git repository holding the project's files as they are in the working tree. */
function copyOfProject(): string {
  const repo = mkdtempSync(join(tmpdir(), "faf-renovate-"));
  dirs.push(repo);
  copyProjectFiles(repo);
  return repo;
}

/** The e2e toolchain's pins as e2e/toolchain/versions.env writes them, for a tree that has none yet. */
const TOOLCHAIN_FIXTURE = `# fixture
PULUMI_VERSION=3.248.0
KUBERNETES_PLUGIN_VERSION=4.34.2
KUBERNETES_PROVIDER_BUILT=4.25.0
KUBERNETES_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
RANDOM_PLUGIN_VERSION=4.21.2
# renovate: datasource=github-releases depName=golang/go
GO_VERSION=1.26.0
`;

function extract(repo: string, bin: string): Extracted {
  const git = (...args: string[]) =>
    spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], { cwd: repo });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "the project");
  const report = `${repo}-report.json`;
  dirs.push(report);
  const result = spawnSync(bin, ["--platform=local", "--dry-run=extract", "--report-type=file", `--report-path=${report}`], {
    cwd: repo,
    encoding: "utf8",
    env: renovateEnv(),
  });
  if (result.status !== 0)
    throw new Error(`renovate failed (${String(result.status)}):\n${result.stdout.slice(-3000)}${result.stderr}`);
  const parsed = JSON.parse(readFileSync(report, "utf8")) as {
    repositories: Record<string, { packageFiles: Record<string, { packageFile: string; deps: Dep[] }[]> }>;
  };
  return Object.entries(parsed.repositories.local!.packageFiles).flatMap(([manager, files]) =>
    files.flatMap((f) => f.deps.map((dep) => ({ manager, file: f.packageFile, dep }))),
  );
}

describe("Renovate", { timeout: 900_000 }, () => {
  let validator: string | undefined;
  let renovate: string | undefined;
  let found: Extracted = [];
  let foundWithToolchain: Extracted = [];
  const hasToolchain = existsSync(join(ROOT, "e2e", "toolchain"));

  beforeAll(() => {
    validator = renovateBin("renovate-config-validator");
    renovate = renovateBin("renovate");
    if (!renovate) return;
    found = extract(copyOfProject(), renovate);
    if (hasToolchain) {
      foundWithToolchain = found;
    } else {
      const repo = copyOfProject();
      mkdirSync(join(repo, "e2e", "toolchain"), { recursive: true });
      writeFileSync(join(repo, "e2e", "toolchain", "versions.env"), TOOLCHAIN_FIXTURE);
      foundWithToolchain = extract(repo, renovate);
    }
  }, 900_000);

  const regexDeps = () => found.filter((f) => f.manager === "regex");
  const count = (pred: (d: Dep) => boolean) => regexDeps().filter((f) => pred(f.dep)).length;

  it("accepts the configuration (renovate-config-validator --strict)", () => {
    if (!validator) return;
    const ok = spawnSync(validator, ["--strict", "renovate.json5"], { cwd: ROOT, encoding: "utf8", env: renovateEnv() });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "faf-renovate-bad-"));
    dirs.push(dir);
    writeFileSync(join(dir, "renovate.json"), JSON.stringify({ schedule: ["sometimes"], packageRules: [{ groupName: 3 }] }));
    const bad = spawnSync(validator, ["--strict", "renovate.json"], { cwd: dir, encoding: "utf8", env: renovateEnv() });
    expect(bad.status).not.toBe(0);
  });

  it("finds every workload and data service image once per place it is pinned", () => {
    if (!renovate) return;
    const images = [
      ...CATALOGUE.map((s) => `${s.image.repository}:${s.image.tag}`),
      ...CATALOGUE.flatMap((s) => (s.init ?? []).map((step) => `${step.image.repository}:${step.image.tag}`)),
      MARIADB_IMAGE,
      RABBITMQ_IMAGE,
      POSTGRES_IMAGE,
      PGAUTOUPGRADE_IMAGE,
      MONGODB_IMAGE,
    ];
    for (const image of new Set(images)) {
      const [, repository, tag] = /^(.+):([^:]+)$/.exec(image)!;
      expect(
        count((d) => d.datasource === "docker" && d.depName === repository && d.currentValue === tag),
        image,
      ).toBe(images.filter((i) => i === image).length);
    }
    const docker = regexDeps().filter((f) => f.dep.datasource === "docker" && !f.dep.depName.includes("/charts/"));
    expect(docker.map((f) => `${f.dep.depName}:${f.dep.currentValue}`).sort()).toEqual([...images].sort());
  });

  it("finds every chart exactly once, with its repository", () => {
    if (!renovate) return;
    for (const [key, pin] of Object.entries(CHARTS)) {
      const name = pin.chart.replace(/^oci:\/\//, "");
      const matches = regexDeps().filter((f) => f.dep.depName === name && f.dep.currentValue === pin.version);
      expect(matches, key).toHaveLength(1);
      if ("repo" in pin) {
        expect(matches[0]!.dep.datasource).toBe("helm");
        expect(matches[0]!.dep.registryUrls?.[0]?.replace(/\/$/, "")).toBe(pin.repo.replace(/\/$/, ""));
      } else {
        expect(matches[0]!.dep.datasource).toBe("docker");
      }
    }
  });

  it("finds every release manifest wherever its version is written, all at one version", () => {
    if (!renovate) return;
    for (const [key, manifest] of Object.entries(MANIFESTS)) {
      const repo = /github\.com\/([^/]+\/[^/]+)\/releases/.exec(manifest.url)![1]!;
      const matches = regexDeps().filter((f) => f.dep.depName === repo);
      expect(new Set(matches.map((f) => f.dep.currentValue)), key).toEqual(new Set([manifest.version]));
      expect(new Set(matches.map((f) => f.file)), key).toEqual(
        new Set([
          "components/platform/charts.ts",
          expect.stringMatching(/^components\/data\/rabbitmq-operators\/.*kustomization\.yaml$/),
        ]),
      );
      // MANIFESTS' version and its URL in charts.ts, and the kustomization's URL.
      expect(matches, key).toHaveLength(3);
    }
  });

  it("finds the e2e toolchain's pins (or a fixture of them while this tree has no e2e/toolchain)", () => {
    if (!renovate) return;
    const toolchain = foundWithToolchain.filter((f) => f.file.startsWith("e2e/toolchain/"));
    const env = hasToolchain ? readFileSync(join(ROOT, "e2e", "toolchain", "versions.env"), "utf8") : TOOLCHAIN_FIXTURE;
    const pins = [...env.matchAll(/^([A-Z0-9_]+_VERSION)=(\S+)$/gm)].map((m) => m[2]!);
    for (const value of pins)
      expect(
        toolchain.some((f) => f.dep.currentValue === value),
        value,
      ).toBe(true);
    const byName = (n: string) => toolchain.find((f) => f.dep.depName === n)?.dep;
    expect(byName("@pulumi/pulumi")).toMatchObject({ datasource: "npm" });
    const kubernetes = /^KUBERNETES_VERSION=(\S+)$/m.exec(env)?.[1];
    expect(byName("kubernetes/kubernetes")).toMatchObject({ datasource: "github-releases", currentValue: kubernetes });
    // KUBERNETES_PROVIDER_BUILT says what was built, not a pin: it follows the plugin.
    expect(toolchain.some((f) => f.dep.replaceString?.includes("PROVIDER_BUILT"))).toBe(false);
  });
});
