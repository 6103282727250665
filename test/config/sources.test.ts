import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../components/config/parse";
import { buildProfile } from "../../components/config/profile";
import { CHART_KEYS, MANIFEST_KEYS, chartArgs } from "../../components/config/sources";
import { CHARTS, MANIFESTS, uniqueObjects } from "../../components/platform/charts";
import { LOCAL_SETTINGS as local, SETTINGS_CONTEXT as context } from "../support/settings";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "faf-sources-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function parse(sources: unknown) {
  return parseSettings({ ...local, "faf:sources": JSON.stringify(sources) }, context);
}

describe("chart and manifest sources (faf:sources)", () => {
  it("names exactly the charts and manifests the program pins", () => {
    expect([...CHART_KEYS].sort()).toEqual(Object.keys(CHARTS).sort());
    expect([...MANIFEST_KEYS].sort()).toEqual(Object.keys(MANIFESTS).sort());
  });

  it("takes every chart from its public source when unset", () => {
    const result = parseSettings(local, context);
    if (!result.ok) throw new Error(result.message);
    expect(buildProfile(result.settings).sources).toEqual({});
    expect(chartArgs(CHARTS.traefik, undefined)).toEqual({
      chart: "traefik",
      version: "41.3.0",
      repositoryOpts: { repo: "https://traefik.github.io/charts" },
    });
  });

  it("accepts a local chart directory, a mirror repository and a mirror OCI reference", () => {
    const result = parse({
      charts: {
        traefik: dir,
        argocd: "https://mirror.example/helm",
        mariadbOperator: "oci://mirror.example/charts/mariadb-operator",
      },
    });
    if (!result.ok) throw new Error(result.message);
    const sources = buildProfile(result.settings).sources;
    expect(chartArgs(CHARTS.traefik, sources.charts?.traefik)).toEqual({ chart: dir });
    expect(chartArgs(CHARTS.argocd, sources.charts?.argocd)).toEqual({
      chart: "argo-cd",
      version: "10.1.1",
      repositoryOpts: { repo: "https://mirror.example/helm" },
    });
    expect(chartArgs(CHARTS.mariadbOperator, sources.charts?.mariadbOperator)).toEqual({
      chart: "oci://mirror.example/charts/mariadb-operator",
      version: "26.6.0",
    });
  });

  it("keeps an OCI chart's pinned name and version when its mirror is a Helm repository", () => {
    expect(chartArgs(CHARTS.mariadbOperatorCrds, "https://mirror.example/helm")).toEqual({
      chart: "mariadb-operator-crds",
      version: "26.6.0",
      repositoryOpts: { repo: "https://mirror.example/helm" },
    });
  });

  it("refuses a chart path that does not exist, naming the key and the value", () => {
    const result = parse({ charts: { traefik: "/no/such/chart" } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain("faf:sources.charts.traefik");
    expect(result.message).toContain("/no/such/chart");
  });

  it("refuses a relative path or plain http with the forms it accepts", () => {
    for (const bad of ["charts/traefik", "http://mirror.example/helm"]) {
      const result = parse({ charts: { traefik: bad } });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.message).toContain("faf:sources.charts.traefik");
      expect(result.message).toMatch(/absolute path .* https:\/\/ Helm repository or an oci:\/\/ reference/);
    }
  });

  it("refuses an unknown chart name as an unknown key", () => {
    const result = parse({ charts: { trafik: dir } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain("faf:sources.charts.trafik: unknown key");
  });

  it("refuses a local copy of one RabbitMQ operator manifest without the other (they are applied together)", () => {
    const file = path.join(dir, "cluster-operator.yml");
    fs.writeFileSync(file, "kind: Namespace\n");
    const result = parse({ manifests: { rabbitmqClusterOperator: file } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain("faf:sources.manifests");
    expect(result.message).toContain("rabbitmqTopologyOperator");
    expect(parse({ manifests: { rabbitmqClusterOperator: file, rabbitmqTopologyOperator: file } }).ok).toBe(true);
  });

  it("applies each object of local manifest copies once, the first copy winning", () => {
    const ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: rabbitmq-system\n";
    const objects = uniqueObjects([
      `${ns}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  namespace: rabbitmq-system\n`,
      `${ns}  labels: {second: "true"}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n  namespace: rabbitmq-system\n---\n`,
    ]);
    expect(objects.map((o) => `${String(o.kind)}/${(o.metadata as { name: string }).name}`)).toEqual([
      "Namespace/rabbitmq-system",
      "ServiceAccount/a",
      "ServiceAccount/b",
    ]);
    expect((objects[0]!.metadata as { labels?: unknown }).labels).toBeUndefined();
  });
});
