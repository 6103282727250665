import * as fs from "node:fs";
import { z } from "zod";

/**
 * Where the upstream charts and release manifests come from when not from their public source
 * (`faf:sources`): an air-gapped admin's mirror, or the e2e's stand-ins. Pure apart from checking
 * that a local path exists, so that a typo is a settings error and not Helm's.
 *
 * The keys are those of CHARTS and MANIFESTS in components/platform/charts.ts (a test checks it).
 */
export const CHART_KEYS = [
  "traefik",
  "argocd",
  "infisical",
  "mariadbOperatorCrds",
  "mariadbOperator",
  "certManager",
  "victoriaMetrics",
  "vmalert",
  "kubeStateMetrics",
  "loki",
  "alloy",
  "grafana",
] as const;
export const MANIFEST_KEYS = ["rabbitmqClusterOperator", "rabbitmqTopologyOperator"] as const;
export type SourcedChart = (typeof CHART_KEYS)[number];
export type SourcedManifest = (typeof MANIFEST_KEYS)[number];

const existingPath = (what: string) =>
  z
    .string()
    .regex(/^\//, { message: `expected an absolute path to ${what}` })
    .refine((p) => fs.existsSync(p), { message: `no such file or directory` });

/**
 * A chart: a local chart (a directory with Chart.yaml, or a .tgz), a Helm repository that
 * mirrors the public one (https://...; chart name and version stay pinned), or an OCI
 * reference to the chart in a mirror registry (oci://...; the version stays pinned).
 */
const chartSource = z.union(
  [
    existingPath("a chart directory or .tgz"),
    z.string().regex(/^https:\/\/\S+$/, { message: "expected an https:// Helm repository" }),
    z.string().regex(/^oci:\/\/\S+$/, { message: "expected an oci:// chart reference" }),
  ],
  { message: "expected an absolute path to a chart directory or .tgz, an https:// Helm repository or an oci:// reference" },
);

/** A release manifest: a local copy of the published file. */
const manifestSource = existingPath("a copy of the release manifest");

export const sourcesSchema = z
  .strictObject({
    /** Per chart of CHARTS: where to take it from instead of its public repository. */
    charts: z.partialRecord(z.enum(CHART_KEYS), chartSource).optional(),
    /** Per release manifest of MANIFESTS: a local copy of it. */
    manifests: z
      .partialRecord(z.enum(MANIFEST_KEYS), manifestSource)
      .refine((given) => Object.keys(given).length === 0 || MANIFEST_KEYS.every((key) => given[key] !== undefined), {
        message: `give a local copy of every RabbitMQ operator manifest (${MANIFEST_KEYS.join(", ")}) or of none: they are applied together`,
      })
      .optional(),
  })
  .optional();

export type Sources = NonNullable<z.output<typeof sourcesSchema>>;

export const SOURCES_HINTS: Record<string, string> = {
  sources:
    "{charts: {traefik: /srv/mirror/traefik-41.3.0.tgz}, manifests: {rabbitmqClusterOperator: /srv/mirror/cluster-operator.yml}}",
  "sources.charts": `a map of chart (${CHART_KEYS.join(", ")}) to a local path, an https:// Helm repository or an oci:// reference`,
  "sources.manifests": `a map of manifest (${MANIFEST_KEYS.join(", ")}) to the absolute path of a local copy`,
};

/** A pinned chart as Chart v4 takes it: from its public source, or from the source a stack sets. */
export interface ChartArgs {
  chart: string;
  version?: string;
  repositoryOpts?: { repo: string };
}

export function chartArgs(pin: { chart: string; version: string; repo?: string }, source: string | undefined): ChartArgs {
  if (source === undefined)
    return { chart: pin.chart, version: pin.version, ...(pin.repo ? { repositoryOpts: { repo: pin.repo } } : {}) };
  // A local chart is what it is: Helm takes its version from its Chart.yaml.
  if (source.startsWith("/")) return { chart: source };
  if (source.startsWith("oci://")) return { chart: source, version: pin.version };
  const name = pin.chart.startsWith("oci://") ? pin.chart.slice(pin.chart.lastIndexOf("/") + 1) : pin.chart;
  return { chart: name, version: pin.version, repositoryOpts: { repo: source } };
}
