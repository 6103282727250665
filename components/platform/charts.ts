import * as fs from "node:fs";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { parseAllDocuments } from "yaml";
import { chartArgs, type SourcedChart, type SourcedManifest, type Sources } from "../config/sources";

/** A chart from a Helm repository (`repo`) or an OCI registry (`chart` is an `oci://` reference). */
export interface ChartPin {
  chart: string;
  version: string;
  repo?: string;
  /**
   * The Helm release name, explicit: charts name their objects from it (`<release>-server`), and
   * without it Chart v4 uses the Pulumi resource name (`argocd-chart`). Every name our code
   * refers to is derived from it in `chart-names.ts`.
   */
  release: string;
}

/**
 * Every upstream chart the program installs, pinned: version and repository in one place
 * (docs/decisions/001, 007 and 011 say why these versions).
 */
export const CHARTS = {
  traefik: { chart: "traefik", version: "41.3.0", repo: "https://traefik.github.io/charts", release: "traefik" },
  argocd: { chart: "argo-cd", version: "10.1.1", repo: "https://argoproj.github.io/argo-helm", release: "argocd" },
  infisical: {
    chart: "secrets-operator",
    // This chart's versions carry a "v".
    version: "v0.11.5",
    repo: "https://dl.cloudsmith.io/public/infisical/helm-charts/helm/charts/",
    release: "secrets-operator",
  },
  // The CRDs come from their own chart so that removing the operator never deletes a MariaDB.
  mariadbOperatorCrds: {
    chart: "oci://ghcr.io/mariadb-operator/charts/mariadb-operator-crds",
    version: "26.6.0",
    release: "mariadb-operator-crds",
  },
  mariadbOperator: {
    chart: "oci://ghcr.io/mariadb-operator/charts/mariadb-operator",
    version: "26.6.0",
    release: "mariadb-operator",
  },
  // Issues the RabbitMQ topology operator's webhook certificate (its upstream-supported path).
  certManager: { chart: "cert-manager", version: "v1.21.1", repo: "https://charts.jetstack.io", release: "cert-manager" },
  // Monitoring (docs/decisions/020): plain charts, no operator. Grafana's and Loki's OSS charts
  // moved to grafana-community in 2026 (Loki forked there at 6.55.0, the version FAF runs).
  // Releases are the monitoring component's RELEASES (its Services' names).
  victoriaMetrics: {
    chart: "victoria-metrics-single",
    version: "0.45.0",
    repo: "https://victoriametrics.github.io/helm-charts/",
    release: "victoria-metrics",
  },
  vmalert: {
    chart: "victoria-metrics-alert",
    version: "0.47.0",
    repo: "https://victoriametrics.github.io/helm-charts/",
    release: "vmalert",
  },
  kubeStateMetrics: {
    chart: "kube-state-metrics",
    version: "8.4.0",
    repo: "https://prometheus-community.github.io/helm-charts",
    release: "kube-state-metrics",
  },
  loki: { chart: "loki", version: "18.11.0", repo: "https://grafana-community.github.io/helm-charts", release: "loki" },
  alloy: { chart: "alloy", version: "1.11.1", repo: "https://grafana.github.io/helm-charts", release: "alloy" },
  grafana: { chart: "grafana", version: "12.11.1", repo: "https://grafana-community.github.io/helm-charts", release: "grafana" },
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

let sources: Sources = {};

/**
 * Where this stack takes upstream charts and manifests from (`faf:sources`), set once by
 * index.ts after the settings are read; unset, everything comes from its public source.
 */
export function useSources(stackSources: Sources): void {
  sources = stackSources;
}

/**
 * A Chart v4 of one of the pinned upstream charts, in `namespace`, with `values`. `release`
 * names the Helm release (object names derive from it); the default is the pin's own.
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
      name: release ?? pin.release,
      ...chartArgs(pin, sources.charts?.[key satisfies SourcedChart]),
      namespace,
      values,
    },
    opts,
  );
}

/**
 * The RabbitMQ operators' release manifests, applied as published: through the kustomization
 * that names their public URLs, or, where the stack gives local copies, from those copies with
 * each object once (both declare the Namespace; the first copy wins).
 */
export function rabbitmqOperators(name: string, opts: pulumi.ComponentResourceOptions): pulumi.Resource {
  const local = sources.manifests;
  if (!local || Object.keys(local).length === 0) {
    return new k8s.kustomize.v2.Directory(name, { directory: RABBITMQ_OPERATORS_KUSTOMIZATION }, opts);
  }
  const missing = (Object.keys(MANIFESTS) as SourcedManifest[]).filter((key) => !local[key]);
  if (missing.length > 0) {
    throw new Error(
      `faf:sources.manifests: give a local copy of every RabbitMQ operator manifest; missing ${missing.join(", ")}`,
    );
  }
  const texts = (Object.keys(MANIFESTS) as SourcedManifest[]).map((key) => fs.readFileSync(local[key]!, "utf8"));
  return new k8s.yaml.v2.ConfigGroup(name, { objs: uniqueObjects(texts) }, opts);
}

const CRD_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/**
 * A transform that protects and keeps on delete every CustomResourceDefinition a chart or
 * manifest component creates: deleting a CRD deletes every object of its kind, protected or not
 * (found by the e2e: `pulumi destroy` of the prod-like stack deleted the RabbitMQ operators'
 * CRDs, and with them the protected RabbitmqCluster).
 */
export const protectCustomResourceDefinitions: pulumi.ResourceTransform = (args) =>
  args.type === CRD_TYPE ? { props: args.props, opts: { ...args.opts, protect: true, retainOnDelete: true } } : undefined;

/** The objects of several manifests, each (apiVersion, kind, namespace, name) once, first copy first. */
export function uniqueObjects(texts: string[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  const objects: Record<string, unknown>[] = [];
  for (const text of texts) {
    for (const doc of parseAllDocuments(text)) {
      const obj = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } } | null;
      if (!obj || typeof obj !== "object" || !obj.kind) continue;
      const id = `${obj.apiVersion ?? ""}/${obj.kind}/${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
      if (seen.has(id)) continue;
      seen.add(id);
      objects.push(obj);
    }
  }
  return objects;
}
