import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../components/apps/catalogue";
import { dashboardFiles, DASHBOARDS_DIR } from "../../components/monitoring/monitoring";
import { SERVICE_RUNTIMES } from "../../components/monitoring/targets";
import { alloyConfig } from "../../components/monitoring/values";
import { NAMESPACES } from "../../components/lib/names";
import { ROOT } from "../support/cli";
import { metricNames, PRODUCED } from "./promql";

interface Target {
  expr: string;
  datasource: { uid: string };
}
interface Panel {
  title: string;
  datasource: { uid: string };
  targets?: Target[];
}

const files = dashboardFiles(join(ROOT, DASHBOARDS_DIR));
const dashboards = Object.entries(files).map(([file, text]) => ({
  file,
  json: JSON.parse(text) as { uid: string; title: string; panels: Panel[] },
}));
const targets = dashboards.flatMap((d) =>
  d.json.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `${d.file}: ${p.title}`, ...t }))),
);

describe("dashboards", () => {
  it("knows what every workload that declares metrics exports", () => {
    expect(Object.keys(SERVICE_RUNTIMES).sort()).toEqual(
      CATALOGUE.filter((s) => s.metrics)
        .map((s) => s.name)
        .sort(),
    );
  });

  it("has one dashboard per FAF service with metrics, one for the cluster and node, one for the data services", () => {
    expect(Object.keys(files).sort()).toEqual(
      [...Object.keys(SERVICE_RUNTIMES).map((name) => `${name}.json`), "cluster.json", "data-services.json"].sort(),
    );
  });

  it("gives every dashboard a unique uid and keeps it read-only (dashboards are code)", () => {
    const uids = dashboards.map((d) => d.json.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const d of dashboards) expect((d.json as unknown as { editable: boolean }).editable, d.file).toBe(false);
  });

  it("queries only metrics that some scrape target produces", () => {
    const metrics = targets.filter((t) => t.datasource.uid === "metrics");
    expect(metrics.length).toBeGreaterThan(40);
    const unknown = metrics.flatMap((t) =>
      metricNames(t.expr)
        .filter((m) => !PRODUCED.has(m))
        .map((m) => `${t.where}: ${m}`),
    );
    expect(unknown).toEqual([]);
  });

  it("queries logs only by labels the collector sets, in FAF's namespaces", () => {
    const config = alloyConfig(Object.values(NAMESPACES));
    const labels = [...config.matchAll(/target_label\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
    const logs = targets.filter((t) => t.datasource.uid === "logs");
    expect(logs.length).toBeGreaterThanOrEqual(Object.keys(SERVICE_RUNTIMES).length);
    for (const t of logs) {
      for (const [, label, value] of t.expr.matchAll(/(\w+)\s*=~?\s*"([^"]*)"/g)) {
        expect(labels, t.where).toContain(label);
        if (label === "namespace") expect(Object.values(NAMESPACES), t.where).toContain(value);
      }
    }
  });

  it("uses only the provisioned data sources", () => {
    for (const t of targets) expect(["metrics", "logs"], t.where).toContain(t.datasource.uid);
  });
});
