import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** A chart from a Helm repository (`repo`) or an OCI registry (`chart` is an `oci://` reference). */
export interface ChartPin {
  chart: string;
  version: string;
  repo?: string;
}

/**
 * Every upstream chart the program installs, pinned: version and repository in one place
 * (docs/decisions/001, 007 and 011 say why these versions).
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
  // The CRDs come from their own chart so that removing the operator never deletes a MariaDB.
  mariadbOperatorCrds: { chart: "oci://ghcr.io/mariadb-operator/charts/mariadb-operator-crds", version: "26.6.0" },
  mariadbOperator: { chart: "oci://ghcr.io/mariadb-operator/charts/mariadb-operator", version: "26.6.0" },
  // Issues the RabbitMQ topology operator's webhook certificate (its upstream-supported path).
  certManager: { chart: "cert-manager", version: "v1.21.1", repo: "https://charts.jetstack.io" },
  // Monitoring (docs/decisions/020): plain charts, no operator. Grafana's and Loki's OSS charts
  // moved to grafana-community in 2026 (Loki forked there at 6.55.0, the version FAF runs).
  victoriaMetrics: {
    chart: "victoria-metrics-single",
    version: "0.45.0",
    repo: "https://victoriametrics.github.io/helm-charts/",
  },
  vmalert: { chart: "victoria-metrics-alert", version: "0.47.0", repo: "https://victoriametrics.github.io/helm-charts/" },
  kubeStateMetrics: {
    chart: "kube-state-metrics",
    version: "8.4.0",
    repo: "https://prometheus-community.github.io/helm-charts",
  },
  loki: { chart: "loki", version: "18.11.0", repo: "https://grafana-community.github.io/helm-charts" },
  alloy: { chart: "alloy", version: "1.11.1", repo: "https://grafana.github.io/helm-charts" },
  grafana: { chart: "grafana", version: "12.11.1", repo: "https://grafana-community.github.io/helm-charts" },
} as const satisfies Record<string, ChartPin>;

export type ChartKey = keyof typeof CHARTS;

/**
 * Upstream release manifests, pinned by version in the URL. The RabbitMQ operators publish no
 * first-party Helm chart; their release manifests are the supported install. Both declare the
 * Namespace `rabbitmq-system`, so they are applied together through one kustomization
 * (`components/data/rabbitmq-operators/`, which names these same URLs).
 */
export const MANIFESTS = {
  rabbitmqClusterOperator: {
    version: "v2.22.3",
    url: "https://github.com/rabbitmq/cluster-operator/releases/download/v2.22.3/cluster-operator.yml",
  },
  rabbitmqTopologyOperator: {
    version: "v1.20.1",
    url: "https://github.com/rabbitmq/messaging-topology-operator/releases/download/v1.20.1/messaging-topology-operator-with-certmanager.yaml",
  },
} as const;

/** The kustomization that applies the RabbitMQ operators, relative to the project (Pulumi's working directory). */
export const RABBITMQ_OPERATORS_KUSTOMIZATION = "components/data/rabbitmq-operators";

/**
 * A Chart v4 of one of the pinned upstream charts, in `namespace`, with `values`. `release`
 * names the Helm release (object names derive from it); without it Pulumi derives one.
 */
export function pinnedChart(
  name: string,
  key: ChartKey,
  namespace: string,
  values: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions,
  release?: string,
): k8s.helm.v4.Chart {
  const pin: ChartPin = CHARTS[key];
  return new k8s.helm.v4.Chart(
    name,
    {
      chart: pin.chart,
      version: pin.version,
      ...(pin.repo ? { repositoryOpts: { repo: pin.repo } } : {}),
      ...(release ? { name: release } : {}),
      namespace,
      values,
    },
    opts,
  );
}

/** The RabbitMQ operators' release manifests, applied as published (one kustomization, see MANIFESTS). */
export function rabbitmqOperators(name: string, opts: pulumi.ComponentResourceOptions): k8s.kustomize.v2.Directory {
  return new k8s.kustomize.v2.Directory(name, { directory: RABBITMQ_OPERATORS_KUSTOMIZATION }, opts);
}
