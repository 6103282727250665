import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Every upstream chart the platform installs, pinned: version and repository in one place
 * (docs/decisions/001 and 007 say why these versions).
 */
export const CHARTS = {
  traefik: { chart: "traefik", version: "41.3.0", repo: "https://traefik.github.io/charts" },
  argocd: { chart: "argo-cd", version: "10.1.1", repo: "https://argoproj.github.io/argo-helm" },
  infisical: {
    chart: "secrets-operator",
    // This chart's versions carry a "v".
    version: "v0.11.5",
    repo: "https://dl.cloudsmith.io/public/infisical/helm-charts/helm/charts/",
  },
} as const;

export type ChartKey = keyof typeof CHARTS;

/** A Chart v4 of one of the pinned upstream charts, in `namespace`, with `values`. */
export function pinnedChart(
  name: string,
  key: ChartKey,
  namespace: string,
  values: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v4.Chart {
  const { chart, version, repo } = CHARTS[key];
  return new k8s.helm.v4.Chart(name, { chart, version, repositoryOpts: { repo }, namespace, values }, opts);
}
