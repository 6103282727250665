import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";

import { CHARTS, MANIFESTS } from "../components/platform/charts";
import type { Sources } from "../components/config/sources";

/**
 * Stand-ins for the upstream charts and release manifests, which the throwaway cluster cannot
 * download: each carries only its project's CRDs, made at run time from the CRD schemas in
 * ../shared/schemas (never a copy of the chart). Chart templates and values are not exercised.
 */
export const STAND_IN_GROUPS: Record<keyof typeof CHARTS | keyof typeof MANIFESTS, string[]> = {
  traefik: ["traefik.io"],
  argocd: ["argoproj.io"],
  infisical: ["secrets.infisical.com"],
  mariadbOperatorCrds: ["k8s.mariadb.com"],
  mariadbOperator: [],
  certManager: [],
  // The monitoring charts bring no custom resources (decision 020: no operator).
  victoriaMetrics: [],
  vmalert: [],
  kubeStateMetrics: [],
  loki: [],
  alloy: [],
  grafana: [],
  rabbitmqClusterOperator: ["rabbitmq.com:RabbitmqCluster"],
  rabbitmqTopologyOperator: ["rabbitmq.com"],
};

export const SCHEMAS_DIR = process.env.FAF_SCHEMAS_DIR ?? path.resolve(__dirname, "..", "..", "shared", "schemas", "crds");

interface Entry {
  group: string;
  version: string;
  kind: string;
  file: string;
}

function entries(schemasDir: string): Entry[] {
  const index = JSON.parse(fs.readFileSync(path.join(schemasDir, "index.json"), "utf8")) as Record<
    string,
    { file: string; served: boolean }
  >;
  return Object.entries(index)
    .filter(([, e]) => e.served)
    .map(([key, e]) => {
      const [group, version, kind] = key.split("/") as [string, string, string];
      return { group, version, kind, file: e.file };
    });
}

/** The plural a CRD is served under: lower-case kind, English plural. */
export function plural(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

/** One CustomResourceDefinition per (group, kind), every served version, the newest stored. */
export function crdsFor(selectors: string[], schemasDir = SCHEMAS_DIR): Record<string, unknown>[] {
  const all = entries(schemasDir).filter((e) =>
    selectors.some((s) => {
      const [group, kind] = s.split(":");
      return e.group === group && (kind === undefined || e.kind === kind);
    }),
  );
  const byKind = new Map<string, Entry[]>();
  for (const e of all) byKind.set(`${e.group}/${e.kind}`, [...(byKind.get(`${e.group}/${e.kind}`) ?? []), e]);
  return [...byKind.values()]
    .sort((a, b) => `${a[0]!.group}/${a[0]!.kind}`.localeCompare(`${b[0]!.group}/${b[0]!.kind}`))
    .map((versions) => {
      const { group, kind } = versions[0]!;
      const ordered = [...versions].sort((a, b) => b.version.localeCompare(a.version));
      return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${plural(kind)}.${group}` },
        spec: {
          group,
          // Only the cluster-wide kinds of these projects start with "Cluster".
          scope: kind.startsWith("Cluster") ? "Cluster" : "Namespaced",
          names: { kind, listKind: `${kind}List`, plural: plural(kind), singular: kind.toLowerCase() },
          versions: ordered.map((e, i) => ({
            name: e.version,
            served: true,
            storage: i === 0,
            subresources: { status: {} },
            schema: { openAPIV3Schema: JSON.parse(fs.readFileSync(path.join(schemasDir, e.file), "utf8")) as unknown },
          })),
        },
      };
    });
}

/** Writes the stand-ins under `dir` and returns the `faf:sources` setting that points at them. */
export function writeStandInCharts(dir: string, schemasDir = SCHEMAS_DIR): Sources {
  if (!fs.existsSync(path.join(schemasDir, "index.json"))) {
    throw new Error(
      `the stand-in charts are made from the CRD schemas in ${schemasDir}, which is missing (clone ../shared beside the repository, or set FAF_SCHEMAS_DIR)`,
    );
  }
  const charts: Record<string, string> = {};
  for (const [key, pin] of Object.entries(CHARTS)) {
    const chartDir = path.join(dir, key);
    fs.mkdirSync(path.join(chartDir, "crds"), { recursive: true });
    fs.mkdirSync(path.join(chartDir, "templates"));
    const name = pin.chart.slice(pin.chart.lastIndexOf("/") + 1);
    fs.writeFileSync(
      path.join(chartDir, "Chart.yaml"),
      stringify({
        apiVersion: "v2",
        name,
        version: pin.version.replace(/^v/, ""),
        description: "e2e stand-in: upstream CRDs only",
      }),
    );
    crdsFor(STAND_IN_GROUPS[key as keyof typeof CHARTS], schemasDir).forEach((crd, i) =>
      fs.writeFileSync(path.join(chartDir, "crds", `${String(i).padStart(2, "0")}.yaml`), stringify(crd)),
    );
    charts[key] = chartDir;
  }
  const manifests: Record<string, string> = {};
  for (const key of Object.keys(MANIFESTS) as (keyof typeof MANIFESTS)[]) {
    const file = path.join(dir, `${key}.yaml`);
    const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: "rabbitmq-system" } };
    fs.writeFileSync(file, [namespace, ...crdsFor(STAND_IN_GROUPS[key], schemasDir)].map((o) => stringify(o)).join("---\n"));
    manifests[key] = file;
  }
  return { charts, manifests };
}
