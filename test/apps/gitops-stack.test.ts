import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../components/apps/catalogue";
import { GITOPS_STACK } from "../../components/apps/gitops-stack";
import { CHARTS } from "../../components/platform/charts";
import { ROOT } from "../support/cli";

const INVENTORY = join(ROOT, "..", "shared", "reference", "faf-inventory.md");

/** The chart names of the inventory's workload tables (section 1, rows 1-38), when it is beside the clone. */
function inventoryCharts(): string[] {
  const text = readFileSync(INVENTORY, "utf8");
  const section = text.slice(text.indexOf("## 1. Workload table"), text.indexOf("Also present in the repo but"));
  const charts: string[] = [];
  let folder = "";
  for (const line of section.split("\n")) {
    const heading = /^### 1[a-d]\. gitops-stack `(\w+)\/\*`/.exec(line);
    if (heading) folder = heading[1]!;
    const row = /^\| (\d+) \| ([a-z0-9-]+)/.exec(line);
    if (row && Number(row[1]) <= 38) charts.push(`${folder}/${row[2]!}`);
  }
  return charts;
}

describe("the gitops-stack catalogue stays honest", () => {
  it("lists gitops-stack's 38 charts: 26 apps, 4 infra, 4 ops, 4 cluster", () => {
    const keys = Object.keys(GITOPS_STACK);
    expect(keys).toHaveLength(38);
    const count = (folder: string) => keys.filter((k) => k.startsWith(`${folder}/`)).length;
    expect([count("apps"), count("infra"), count("ops"), count("cluster")]).toEqual([26, 4, 4, 4]);
  });

  it.runIf(existsSync(INVENTORY))("lists exactly the charts the inventory names", () => {
    expect(inventoryCharts().sort()).toEqual(Object.keys(GITOPS_STACK).sort());
  });

  it("finds each chart present (a workload of the catalogue or a pinned platform piece) or replaced or absent with a reason", () => {
    const workloads = new Set(CATALOGUE.map((spec) => spec.name));
    for (const [chart, entry] of Object.entries(GITOPS_STACK)) {
      if (entry.where === "workload") expect(workloads.has(entry.workload), chart).toBe(true);
      else if (entry.where === "platform") {
        expect(entry.chart === "storage-table" || entry.chart in CHARTS, chart).toBe(true);
      } else {
        expect(entry.reason.length, `${chart} needs a reason`).toBeGreaterThan(30);
        if (entry.where === "replaced") expect(entry.by.length, chart).toBeGreaterThan(10);
      }
    }
  });

  it("names every catalogue workload that comes from gitops-stack, so a removed one cannot go unnoticed", () => {
    const listed = new Set(Object.values(GITOPS_STACK).flatMap((e) => (e.where === "workload" ? [e.workload] : [])));
    // Workloads from faf-stack's host scripts and monitoring, or made here for FAF's jobs.
    const notFromGitops = new Set(["faf-leaderboard-purge", "mysqld-exporter", "oauth-clients"]);
    for (const spec of CATALOGUE) {
      if (!notFromGitops.has(spec.name)) expect(listed.has(spec.name), spec.name).toBe(true);
    }
  });
});
