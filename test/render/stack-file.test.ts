import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseArgs } from "../../render/args";
import { readStackConfig, secretPlaceholder } from "../../render/stack-file";
import { ROOT } from "../support/cli";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stackDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "faf-stack-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("stack files", () => {
  it("hands structured values to the program as JSON and scalars as text, as the CLI does", () => {
    const dir = stackDir({
      "Pulumi.p.yaml":
        "config:\n  faf:environment: prod\n  faf:replicas:\n    faf-api: 2\n  faf:flag: true\n  faf:count: 3\n  baseDomain: x.org\n",
    });
    const config = readStackConfig(ROOT, "p", dir);
    expect(config.config).toEqual({
      "faf:environment": "prod",
      "faf:replicas": '{"faf-api":2}',
      "faf:flag": "true",
      "faf:count": "3",
      "faf:baseDomain": "x.org",
    });
    expect(config.project).toBe("faf");
  });

  it("replaces secure values with placeholders, never decrypting them, and marks their keys secret", () => {
    const dir = stackDir({
      "Pulumi.s.yaml": "config:\n  faf:token:\n    secure: v1:abc:def\n  faf:nested:\n    a: 1\n    b:\n      secure: v1:x:y\n",
    });
    const config = readStackConfig(ROOT, "s", dir);
    expect(config.config["faf:token"]).toBe(secretPlaceholder("faf:token"));
    expect(JSON.parse(config.config["faf:nested"]!)).toEqual({ a: 1, b: "[secret:faf:nested]" });
    expect(config.secretKeys).toEqual(["faf:nested", "faf:token"]);
  });

  it("says which stacks exist when asked for one that does not", () => {
    expect(() => readStackConfig(ROOT, "alice")).toThrow(
      'unknown stack "alice": there is no Pulumi.alice.yaml. Known stacks: local, prod, test. Fix: pick one of those, or copy Pulumi.local.yaml to Pulumi.alice.yaml.',
    );
  });

  it("refuses a faf: setting written outside config:, which Pulumi would never set", () => {
    const dir = stackDir({ "Pulumi.m.yaml": "config:\n  faf:environment: local\nfaf:baseDomain: x.org\nbackend: s3\n" });
    expect(() => readStackConfig(ROOT, "m", dir)).toThrow(
      [
        'Pulumi.m.yaml: unknown top-level key "backend"; a stack file has config, environment, secretsprovider, encryptedkey, encryptionsalt. Fix: remove it, or move it under config: as faf:backend.',
        'Pulumi.m.yaml: "faf:baseDomain" is outside "config:", so it is not set at all. Fix: indent it under config: (config:\n    faf:baseDomain: ...).',
      ].join("\n"),
    );
  });

  it("names a key set twice", () => {
    const dir = stackDir({
      "Pulumi.d.yaml": "config:\n  faf:environment: local\n  faf:baseDomain: a.org\n  faf:baseDomain: b.org\n",
    });
    expect(() => readStackConfig(ROOT, "d", dir)).toThrow(
      'Pulumi.d.yaml sets "faf:baseDomain" twice (the second time at line 4); YAML keeps only one of them. Fix: remove one of the two.',
    );
  });

  it("reports broken YAML with the file and position", () => {
    const dir = stackDir({ "Pulumi.b.yaml": "config:\n  faf:environment: [local\n" });
    expect(() => readStackConfig(ROOT, "b", dir)).toThrow(
      /^Pulumi\.b\.yaml is not valid YAML: .* at line \d+, column \d+\. Fix: correct the file/,
    );
  });
});

describe("render arguments", () => {
  it("takes a stack and optional directories", () => {
    expect(parseArgs(["prod", "--out", "x", "--stack-dir=y"])).toEqual({ stack: "prod", out: "x", stackDir: "y" });
  });

  it("refuses unknown options and a missing stack", () => {
    expect(() => parseArgs(["prod", "--outt", "x"])).toThrow("unknown option --outt");
    expect(() => parseArgs([])).toThrow("usage: npm run render -- <stack>");
  });
});
