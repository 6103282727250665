import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { ROOT, runRender } from "../support/cli";
import { readManifests } from "../support/stacks";
import { tempDir } from "../support/temp";

const tmp = () => tempDir("faf-cli-");

function badStack(text: string): { code: number | null; stderr: string; stdout: string } {
  const dir = tmp();
  writeFileSync(join(dir, "Pulumi.bad.yaml"), text);
  return runRender(["bad", "--stack-dir", dir, "--out", join(dir, "out")]);
}

const GOOD =
  "config:\n  faf:environment: local\n  faf:baseDomain: faforever.localhost\n  faf:kubernetes:\n    context: default\n" +
  "  faf:storage:\n    dataPath: /var/lib/faf-data\n  faf:secrets:\n    source: generated\n";

describe("render CLI", () => {
  it("renders byte-identical output twice", () => {
    const dir = inject("renderDir");
    const again = join(tmp(), "prod");
    expect(runRender(["prod", "--out", again]).code).toBe(0);
    const first = readManifests(join(dir, "prod"));
    const second = readManifests(again);
    expect(second.map((m) => m.file)).toEqual(first.map((m) => m.file));
    for (const m of first) {
      expect(readFileSync(join(again, "manifests", m.file), "utf8")).toBe(
        readFileSync(join(dir, "prod", "manifests", m.file), "utf8"),
      );
    }
    expect(readFileSync(join(again, "resources.json"), "utf8")).toBe(readFileSync(join(dir, "prod", "resources.json"), "utf8"));
  });

  it("renders a subset of services with only the data services they need", () => {
    const dir = tmp();
    writeFileSync(join(dir, "Pulumi.wiki.yaml"), `${GOOD}  faf:services: [wikijs]\n`);
    const result = runRender(["wiki", "--stack-dir", dir, "--out", join(dir, "out")]);
    expect(result.code, result.stderr).toBe(0);
    const kinds = new Set(readManifests(join(dir, "out")).map((m) => m.object.kind));
    expect(kinds.has("MariaDB") || kinds.has("RabbitmqCluster")).toBe(false);
    const outputs = JSON.parse(readFileSync(join(dir, "out", "outputs.json"), "utf8"));
    expect(outputs.dataServices).toEqual(["postgres"]);
    expect(Object.keys(outputs.restoreManifests)).toEqual(["postgres"]);
    const statefulSets = readManifests(join(dir, "out")).filter((m) => m.object.kind === "StatefulSet");
    expect(statefulSets.map((m) => m.object.metadata.name)).toEqual(["postgres"]);
    const jobs = readManifests(join(dir, "out")).filter((m) => m.object.kind === "Job");
    // The wiki logs in through Hydra, which keeps its data in the same PostgreSQL.
    expect(jobs.map((m) => m.object.metadata.name.replace(/-[0-9a-f]{8,10}$/, "")).sort()).toEqual([
      "ory-hydra-migrate",
      "postgres-user-hydra",
      "postgres-user-wikijs",
      "wikijs-oauth-clients",
    ]);
  });

  it("renders a copy of the local stack under another name to the same manifests", () => {
    const dir = tmp();
    cpSync(join(ROOT, "Pulumi.local.yaml"), join(dir, "Pulumi.alice.yaml"));
    const result = runRender(["alice", "--stack-dir", dir, "--out", join(dir, "out")]);
    expect(result.code, result.stderr).toBe(0);
    const alice = readManifests(join(dir, "out"));
    const local = readManifests(join(inject("renderDir"), "local"));
    expect(alice).toEqual(local);
  });

  it("prints a summary of resources by type and objects by namespace", () => {
    const out = join(tmp(), "local");
    const result = runRender(["local", "--out", out]);
    expect(result.stdout).toMatch(/Rendered stack local \(Pulumi\.local\.yaml\) to /);
    const deployments = readManifests(out).filter((m) => m.object.kind === "Deployment").length;
    expect(deployments).toBeGreaterThan(3);
    expect(result.stdout).toMatch(new RegExp(`^\\s+${deployments} {2}kubernetes:apps/v1:Deployment$`, "m"));
    expect(result.stdout).toMatch(/^\s+\d+ {2}_cluster$/m);
  });

  it("exits 2 naming the key and file for an unknown key, without a stack trace", () => {
    const result = badStack(`${GOOD}  faf:colour: blue\n`);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "Invalid settings in Pulumi.bad.yaml:\n  - faf:colour: unknown key. Fix: remove it from Pulumi.bad.yaml (pulumi config rm faf:colour --stack bad) or correct its spelling.\n",
    );
  });

  it("exits 2 for a value of the wrong type", () => {
    const result = badStack(GOOD.replace("faf:environment: local", "faf:environment: 3"));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "Invalid settings in Pulumi.bad.yaml:\n  - faf:environment: expected one of prod, test, local, got number 3. Fix: use one of those values.\n",
    );
  });

  it("exits 2 for a missing value", () => {
    const result = badStack(GOOD.replace("  faf:baseDomain: faforever.localhost\n", ""));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "Invalid settings in Pulumi.bad.yaml:\n  - faf:baseDomain: missing. Fix: pulumi config set faf:baseDomain <value> --stack bad (a domain such as faforever.com).\n",
    );
  });

  it("exits 2 for broken YAML", () => {
    const result = badStack("config:\n  faf:environment: [local\n");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^Pulumi\.bad\.yaml is not valid YAML: .*\. Fix: correct the file \(indentation, quoting\) and run again\.\n$/,
    );
  });

  it("exits 2 for an unknown stack", () => {
    const result = runRender(["nosuchstack"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unknown stack "nosuchstack": there is no Pulumi.nosuchstack.yaml. Known stacks: local, prod, test.',
    );
  });
});

describe("secret settings in a render", () => {
  it("turns encrypted settings into the identity Secret and the SSH key, shown only as [secret]", () => {
    const dir = tmp();
    const prod = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8");
    writeFileSync(
      join(dir, "Pulumi.vault.yaml"),
      `${prod}  faf:infisicalClientId:\n    secure: v1:AAAA:BBBB\n  faf:infisicalClientSecret:\n    secure: v1:CCCC:DDDD\n  faf:sshPrivateKey:\n    secure: v1:EEEE:FFFF\n`,
    );
    const out = join(dir, "out");
    const result = runRender(["vault", "--stack-dir", dir, "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    const identity = readManifests(out).find(
      (m) => m.object.kind === "Secret" && m.object.metadata.name === "infisical-machine-identity",
    );
    expect((identity?.object as any).stringData).toEqual({ clientId: "[secret]", clientSecret: "[secret]" });
    const text = readFileSync(join(out, "resources.json"), "utf8");
    expect(text).not.toContain("v1:AAAA");
    expect(text).not.toContain("[secret:faf:");
    expect(text).toContain('"privateKey": "[secret]"');
  });
});
