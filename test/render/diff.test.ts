import { describe, expect, it } from "vitest";
import {
  COMMENT_LIMIT,
  diffMarkdown,
  diffObjects,
  diffRenders,
  HIDDEN,
  unifiedDiff,
  type RenderTree,
  type ResourceEntry,
  type TreeObject,
} from "../../render/diff";
import { parseDiffArgs } from "../../render/diff-cli";

function deployment(name: string, image: string, configMap = `${name}-env-0123456789`): TreeObject {
  return {
    namespace: "faf-apps",
    kind: "Deployment",
    name,
    object: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: "faf-apps" },
      spec: {
        replicas: 1,
        template: {
          spec: {
            containers: [{ name, image, envFrom: [{ configMapRef: { name: configMap } }], ports: [{ containerPort: 80 }] }],
          },
        },
      },
    },
  };
}

function configMap(name: string, data: Record<string, string>): TreeObject {
  return {
    namespace: "faf-apps",
    kind: "ConfigMap",
    name,
    object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "faf-apps" }, data },
  };
}

function secret(name: string, data: Record<string, string>): TreeObject {
  return {
    namespace: "faf-apps",
    kind: "Secret",
    name,
    object: { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "faf-apps" }, data },
  };
}

const tree = (objects: TreeObject[], resources: ResourceEntry[] = []): RenderTree => ({ objects, resources });
const md = (base: RenderTree, head: RenderTree, maxChars?: number) =>
  diffMarkdown(diffRenders(base, head), { stack: "prod", baseLabel: "`main` @ abc", maxChars });

describe("render diff (pure)", () => {
  it("reports nothing and says so when the renders are equal", () => {
    const t = tree([deployment("faf-api", "faforever/faf-java-api:v1")]);
    expect(diffRenders(t, t)).toEqual({ objects: [], charts: [], steps: [], others: [] });
    expect(md(t, t)).toContain("No changes");
    expect(md(t, t)).not.toContain("<details>");
  });

  it("names an added object, a removed object and a changed object in the summary table", () => {
    const base = tree([deployment("faf-api", "api:v1"), deployment("nodebb", "nodebb:v1")]);
    const head = tree([deployment("faf-api", "api:v2"), deployment("wikijs", "wiki:v1")]);
    const changes = diffObjects(base.objects, head.objects);
    expect(changes.map((c) => `${c.change} ${c.name}`)).toEqual(["changed faf-api", "removed nodebb", "added wikijs"]);
    const text = md(base, head);
    expect(text).toContain("| faf-apps | Deployment | 1 | 1 | 1 | ~ faf-api, - nodebb, + wikijs |");
    expect(text).toContain("<summary>+ Deployment faf-apps/wikijs</summary>");
    expect(text).toContain("<summary>- Deployment faf-apps/nodebb</summary>");
  });

  it("shows a changed image tag as a diff of that one line", () => {
    const body = unifiedDiff(
      diffObjects([deployment("faf-api", "api:v1")], [deployment("faf-api", "api:v2")])[0]!.before,
      diffObjects([deployment("faf-api", "api:v1")], [deployment("faf-api", "api:v2")])[0]!.after,
    );
    const changed = body.split("\n").filter((l) => /^[-+]/.test(l));
    expect(changed).toEqual(["-          image: api:v1", "+          image: api:v2"]);
  });

  it("shows a ConfigMap whose content hash changed as one content change, not a delete and an add", () => {
    const base = tree([
      configMap("faf-api-env-0123456789", { A: "1" }),
      deployment("faf-api", "api:v1", "faf-api-env-0123456789"),
    ]);
    const head = tree([
      configMap("faf-api-env-abcdefabcd", { A: "2" }),
      deployment("faf-api", "api:v1", "faf-api-env-abcdefabcd"),
    ]);
    const changes = diffObjects(base.objects, head.objects);
    expect(changes.map((c) => [c.kind, c.change, c.name, c.previousName])).toEqual([
      ["ConfigMap", "changed", "faf-api-env-abcdefabcd", "faf-api-env-0123456789"],
      ["Deployment", "changed", "faf-api", undefined],
    ]);
    const text = md(base, head);
    expect(text).toContain("| faf-apps | ConfigMap | 0 | 1 | 0 | ~ faf-api-env-abcdefabcd |");
    expect(text).toContain('-  A: "1"\n+  A: "2"');
    expect(text.match(/<summary>[^<]*ConfigMap/g)).toHaveLength(1);
  });

  it("keeps two unrelated hashed ConfigMaps apart: only equal stems pair", () => {
    const changes = diffObjects([configMap("a-env-0123456789", { A: "1" })], [configMap("b-env-0123456789", { A: "1" })]);
    expect(changes.map((c) => `${c.change} ${c.name}`)).toEqual(["removed a-env-0123456789", "added b-env-0123456789"]);
  });

  it("never shows a Secret's values, added, changed or removed, and says only its values changed", () => {
    const base = tree([secret("faf-api", { PASSWORD: "aHVudGVyMg==" }), secret("old", { TOKEN: "c2VjcmV0LW9sZA==" })]);
    const head = tree([secret("faf-api", { PASSWORD: "aHVudGVyMw==" }), secret("new", { KEY: "c2VjcmV0LW5ldw==" })]);
    const text = md(base, head);
    for (const value of ["aHVudGVyMg==", "aHVudGVyMw==", "c2VjcmV0LW9sZA==", "c2VjcmV0LW5ldw=="])
      expect(text).not.toContain(value);
    expect(text).toContain("| faf-apps | Secret | 1 | 1 | 1 |");
    expect(text).toContain("Only the Secret's values changed; they are never shown.");
    expect(text).toContain(`KEY: ${HIDDEN}`);
    expect(text).toContain("never shown");
  });

  it("shows a Secret's new key by name without its value", () => {
    const text = md(tree([secret("s", { A: "MQ==" })]), tree([secret("s", { A: "MQ==", B: "Mg==" })]));
    expect(text).toContain(`+  B: ${HIDDEN}`);
    expect(text).not.toContain("Mg==");
  });

  it("lists charts whose version or values changed, and host steps whose scripts changed", () => {
    const chart = (version: string, replicas: number): ResourceEntry => ({
      type: "kubernetes:helm.sh/v4:Chart",
      name: "traefik-chart",
      inputs: { chart: "traefik", version, values: { replicas } },
    });
    const step = (script: string): ResourceEntry => ({
      type: "command:remote:Command",
      name: "host-k3s-module",
      inputs: { create: script },
    });
    const same: ResourceEntry = {
      type: "kubernetes:helm.sh/v4:Chart",
      name: "argocd-chart",
      inputs: { chart: "argo-cd", version: "9.0.0" },
    };
    const base = tree([], [chart("39.0.0", 1), step("echo one\n"), same]);
    const head = tree([], [chart("39.0.1", 2), step("echo two\n"), same]);
    const diff = diffRenders(base, head);
    expect(diff.charts.map((c) => [c.name, c.versionBefore, c.versionAfter, c.valuesChanged])).toEqual([
      ["traefik-chart", "39.0.0", "39.0.1", true],
    ]);
    expect(diff.steps.map((s) => s.name)).toEqual(["host-k3s-module"]);
    const text = md(base, head);
    expect(text).toContain("| traefik-chart (traefik) | changed | 39.0.0 → 39.0.1 | changed |");
    expect(text).toContain("Host steps whose scripts changed: `host-k3s-module` (changed).");
    expect(text).toContain("-echo one\n+echo two");
    expect(text).not.toContain("argocd-chart");
  });

  it("reports a changed protect option of a Kubernetes object", () => {
    const ns = (protect: boolean): ResourceEntry => ({
      type: "kubernetes:core/v1:Namespace",
      name: "namespace-faf-apps",
      options: { protect },
      inputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "faf-apps" } },
    });
    const diff = diffRenders(tree([], [ns(true)]), tree([], [ns(false)]));
    expect(diff.others.map((o) => o.name)).toEqual(["namespace-faf-apps"]);
    expect(diff.others[0]!.after).toContain("protect: false");
  });

  it("fits the size cap by dropping diffs, never the summary, and says how many are not shown", () => {
    const many = (v: string) =>
      Array.from({ length: 60 }, (_, i) => configMap(`big-${String(i).padStart(2, "0")}`, { text: `${v}\n`.repeat(400) }));
    const base = tree(many("old line"));
    const head = tree(many("new line"));
    const full = md(base, head, 1_000_000);
    expect(full.length).toBeGreaterThan(COMMENT_LIMIT);
    const capped = md(base, head);
    expect(capped.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(capped).toContain("| faf-apps | ConfigMap | 0 | 60 | 0 |");
    const shownCount = (capped.match(/<details>/g) ?? []).length;
    expect(shownCount).toBeGreaterThan(0);
    expect(shownCount).toBeLessThan(60);
    expect(capped).toContain(`**Truncated:** ${60 - shownCount} of 60 diffs are not shown`);
    expect(capped).toContain("npm run diff -- prod");
    // Every block that is shown is whole.
    expect((capped.match(/<\/details>/g) ?? []).length).toBe(shownCount);
  });

  it("keeps the summary whole even when it alone is longer than the cap", () => {
    const kinds = Array.from({ length: 100 }, (_, i) => ({
      ...deployment(`svc-${i}`, "img:1"),
      kind: `Kind${String(i).padStart(3, "0")}`,
    }));
    const many = Array.from({ length: 20 }, (_, i) => deployment(`svc-${i}`, "img:1"));
    const text = md(tree([]), tree([...kinds, ...many]), 2000);
    expect(text.length).toBeGreaterThan(2000);
    for (let i = 0; i < 100; i++)
      expect(text).toContain(`| faf-apps | Kind${String(i).padStart(3, "0")} | 1 | 0 | 0 | + svc-${i} |`);
    expect(text).toContain("| faf-apps | Deployment | 20 | 0 | 0 |");
    expect(text).toContain("and 12 more");
    expect(text).toContain("**Truncated:** 120 of 120 diffs are not shown");
  });

  it("fences a diff with more backticks than it contains", () => {
    const text = md(tree([configMap("c", { A: "```" })]), tree([configMap("c", { A: "````" })]));
    expect(text).toContain("`````diff");
  });
});

describe("npm run diff arguments", () => {
  it("takes a stack, --base and --max-chars", () => {
    expect(parseDiffArgs(["prod", "--base", "origin/main"])).toEqual({
      stack: "prod",
      base: "origin/main",
      maxChars: COMMENT_LIMIT,
    });
    expect(parseDiffArgs(["test", "--max-chars=30000"])).toEqual({ stack: "test", base: undefined, maxChars: 30000 });
  });

  it("rejects a missing stack, an unknown option and a bad --max-chars with the usage", () => {
    expect(() => parseDiffArgs([])).toThrow(/usage: npm run diff -- <stack>/);
    expect(() => parseDiffArgs(["prod", "--head", "x"])).toThrow(/unknown option --head/);
    expect(() => parseDiffArgs(["prod", "--max-chars", "ten"])).toThrow(/--max-chars ten: not a number/);
    expect(() => parseDiffArgs(["prod", "--base"])).toThrow(/--base needs a value/);
  });
});
