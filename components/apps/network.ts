import { DATA_SERVICES, DNS_EGRESS, INGRESS_NAMESPACE, namespaceSelector, SCRAPER_PEER, workloadNamespace } from "../lib/names";
import { selectorLabels } from "../lib/labels";
import type { KubeObject } from "../lib/kube";
import { portNamed } from "./pod";
import type { PortSpec, WorkloadSpec } from "./spec";

/** Private ranges: "the internet" never includes the cluster, the node or the LAN. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

const tcp = (port: number | string) => ({ protocol: "TCP", port });

function exposedPorts(spec: WorkloadSpec): PortSpec[] {
  return (spec.ports ?? []).filter((port) => port.exposed !== false);
}

/**
 * The NetworkPolicy that admits exactly what the spec declares: routed ports from Traefik,
 * exposed ports from the workloads that require this one, the metrics port from the scraper;
 * and out: DNS, its data services, the workloads it requires, and the internet ports it names.
 */
export function networkPolicy(
  spec: WorkloadSpec,
  namespace: string,
  labels: Record<string, string>,
  callers: readonly WorkloadSpec[],
  required: readonly WorkloadSpec[],
): KubeObject {
  const ports = spec.ports ?? [];
  const routed = [
    ...(spec.routes ?? []).map((r, i) => portNamed(ports, r.port, `${spec.name}.routes[${i}]`).port),
    ...(spec.tcpRoutes ?? []).map((r, i) => portNamed(ports, r.port, `${spec.name}.tcpRoutes[${i}]`).port),
  ];
  const ingress: unknown[] = [];
  if (routed.length > 0) {
    ingress.push({
      from: [{ namespaceSelector: namespaceSelector(INGRESS_NAMESPACE) }],
      ports: [...new Set(routed)].sort((a, b) => a - b).map(tcp),
    });
  }
  const exposed = exposedPorts(spec);
  if (callers.length > 0 && exposed.length > 0) {
    ingress.push({
      from: [...callers]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((caller) => ({
          namespaceSelector: namespaceSelector(workloadNamespace(caller)),
          podSelector: { matchLabels: selectorLabels(caller.name) },
        })),
      ports: exposed.map((port) => tcp(port.port)),
    });
  }
  if (spec.metrics) {
    ingress.push({
      from: [SCRAPER_PEER],
      ports: [tcp(portNamed(ports, spec.metrics.port, `${spec.name}.metrics`).port)],
    });
  }

  const egress: unknown[] = [DNS_EGRESS];
  const dataServices = [
    ...new Set([...(spec.databases ?? []).map((db) => db.engine), ...(spec.broker ? (["rabbitmq"] as const) : [])]),
  ].sort();
  for (const name of dataServices) {
    const service = DATA_SERVICES[name];
    egress.push({
      to: [
        {
          namespaceSelector: namespaceSelector(service.namespace),
          podSelector: { matchLabels: { "app.kubernetes.io/name": service.service } },
        },
      ],
      ports: [tcp(service.port)],
    });
  }
  for (const dependency of [...required].sort((a, b) => a.name.localeCompare(b.name))) {
    const targetPorts = exposedPorts(dependency);
    if (targetPorts.length === 0) continue;
    egress.push({
      to: [
        {
          namespaceSelector: namespaceSelector(workloadNamespace(dependency)),
          podSelector: { matchLabels: selectorLabels(dependency.name) },
        },
      ],
      ports: targetPorts.map((port) => tcp(port.port)),
    });
  }
  if (spec.internet) {
    egress.push({
      to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }],
      ports: spec.internet.ports.map(tcp),
    });
  }

  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: spec.name, namespace, labels },
    spec: {
      podSelector: { matchLabels: selectorLabels(spec.name) },
      policyTypes: ["Ingress", "Egress"],
      ingress,
      egress,
    },
  };
}
