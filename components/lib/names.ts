/**
 * Names that more than one part of the program refers to, defined once.
 * Pure: no Pulumi import.
 */

/** Every namespace the program creates, keyed by role. */
export const NAMESPACES = {
  /** FAF's own services (API, lobby, website, ...). */
  apps: "faf-apps",
  /** Data services: MariaDB, PostgreSQL, MongoDB, RabbitMQ. */
  infra: "faf-infra",
  /** Operations: Infisical operator, monitoring, maintenance jobs. */
  ops: "faf-ops",
  /** The Traefik ingress controller. */
  traefik: "traefik",
  /** Argo CD (read-only view of the Pulumi-managed workloads). */
  argocd: "argocd",
  /** The CIFS mount watchdog for the archived replays (prod only). */
  replayMounter: "replay-mounter",
} as const;

export type NamespaceKey = keyof typeof NAMESPACES;

/**
 * Namespaces that exist only for the workloads placed in them: made where one of those is
 * selected (the replay mounter's, prod only), never empty elsewhere.
 */
export const DEDICATED_NAMESPACES: readonly NamespaceKey[] = ["replayMounter"];
export type NamespaceName = (typeof NAMESPACES)[NamespaceKey];

/** The label every object the program creates carries, so `kubectl get -l` finds them all. */
export const PART_OF = "faforever";

/** Where Traefik's pods run; workload NetworkPolicies admit routed traffic from here. */
export const INGRESS_NAMESPACE: NamespaceName = NAMESPACES.traefik;

/** Where the metrics scraper runs; workloads that export metrics admit it on the metrics port. */
export const MONITORING_NAMESPACE: NamespaceName = NAMESPACES.ops;
/** The label of the monitoring pods (set through each monitoring chart's pod labels). */
export const MONITORING_ROLE_LABEL = "faforever.com/monitoring";
/** Selects the metrics scraper's pods: the only pods a metrics port admits. */
export const SCRAPER_PEER = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": MONITORING_NAMESPACE } },
  podSelector: { matchLabels: { [MONITORING_ROLE_LABEL]: "scraper" } },
};

/**
 * The data services a workload can declare that it needs. The data layer creates them with
 * these names, namespaces and ports; the workload layer derives connection egress from here.
 */
export const DATA_SERVICES = {
  mariadb: { namespace: NAMESPACES.infra, service: "mariadb", port: 3306 },
  postgres: { namespace: NAMESPACES.infra, service: "postgres", port: 5432 },
  mongodb: { namespace: NAMESPACES.infra, service: "mongodb", port: 27017 },
  // FAF runs RabbitMQ beside the apps (gitops-stack `apps/rabbitmq`); its volume's claim lives there.
  rabbitmq: { namespace: NAMESPACES.apps, service: "rabbitmq", port: 5672 },
} as const;

export type DataServiceName = keyof typeof DATA_SERVICES;

/** Selects a namespace by its name (the label every namespace carries). */
export function namespaceSelector(namespace: string) {
  return { matchLabels: { "kubernetes.io/metadata.name": namespace } };
}

/** The NetworkPolicy egress rule that admits cluster DNS (CoreDNS in kube-system, 53 UDP and TCP). */
export const DNS_EGRESS = {
  to: [{ namespaceSelector: namespaceSelector("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/** The namespace a workload runs in. */
export function workloadNamespace(spec: { namespace?: NamespaceKey }): NamespaceName {
  return NAMESPACES[spec.namespace ?? "apps"];
}

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True when `name` is a valid DNS-1123 label (Service, Namespace and most object names). */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS_1123_LABEL.test(name);
}

/** True when `name` is a valid DNS-1123 subdomain (ConfigMap, Secret, Deployment names). */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && name.split(".").every((part) => DNS_1123_LABEL.test(part));
}
