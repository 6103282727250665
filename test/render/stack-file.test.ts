import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../render/args";
import { readStackConfig, secretPlaceholder } from "../../render/stack-file";
import { ROOT } from "../support/cli";

function stackDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "faf-stack-"));
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
