import { PRIVATE_RANGES } from "../apps/network";
import type { KubeObject } from "../lib/kube";
import { platformLabels } from "../lib/labels";
import { INGRESS_NAMESPACE, namespaceSelector } from "../lib/names";
import type { ScrapeJob } from "./targets";
import { HOST_EXPORTER_PORTS, KUBELET_PORT } from "./targets";
import { NAMESPACE, PORTS, roleLabels, type MonitoringRole } from "./values";

/**
 * faf-ops denies all traffic by default; each monitoring pod gets a policy that admits what it
 * needs and nothing else. Peers inside faf-ops are selected by their role label. Pure.
 */

const tcp = (port: number) => ({ protocol: "TCP", port });
const peer = (role: MonitoringRole) => ({ podSelector: { matchLabels: roleLabels(role) } });
/** The Kubernetes API: the `kubernetes` Service (443) and the k3s server itself (6443). */
const KUBE_API = { ports: [tcp(443), tcp(6443)] };
/** HTTPS to the internet only (Hydra's public endpoints, Discord, a Matrix server). */
const INTERNET_HTTPS = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: [tcp(443)] };

function policy(role: MonitoringRole, ingress: unknown[], egress: unknown[]): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `monitoring-${role}`, namespace: NAMESPACE, labels: platformLabels("monitoring") },
    spec: { podSelector: { matchLabels: roleLabels(role) }, policyTypes: ["Ingress", "Egress"], ingress, egress },
  };
}

/** Where a scrape job's pods are, from its Prometheus config (pod role: namespace, app label, port). */
function podTarget(job: ScrapeJob): { namespace: string; app: string; port: number } | undefined {
  const config = job.config as {
    kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[];
    relabel_configs?: { source_labels?: string[]; regex?: string; replacement?: string; action?: string }[];
  };
  const sd = config.kubernetes_sd_configs?.[0];
  if (sd?.role !== "pod") return undefined;
  const keep = config.relabel_configs?.find((r) => r.source_labels?.[0] === "__meta_kubernetes_pod_label_app_kubernetes_io_name");
  const address = config.relabel_configs?.find((r) => r.replacement?.startsWith("$1:"));
  return { namespace: sd.namespaces?.names[0] ?? "", app: keep?.regex ?? "", port: Number(address?.replacement?.slice(3)) };
}

export function monitoringPolicies(jobs: readonly ScrapeJob[], hostMetrics: boolean): KubeObject[] {
  const pods = jobs.map(podTarget).filter((t) => t !== undefined);
  const nodePorts = [KUBELET_PORT, ...(hostMetrics ? [HOST_EXPORTER_PORTS.node, HOST_EXPORTER_PORTS.zfs] : [])];
  return [
    policy(
      "scraper",
      [{ from: [peer("grafana"), peer("rules")], ports: [tcp(PORTS.victoriaMetrics)] }],
      [
        // Discovery of pods and nodes.
        KUBE_API,
        // Each scraped workload on its metrics port only.
        ...pods.map((t) => ({
          to: [
            {
              namespaceSelector: namespaceSelector(t.namespace),
              podSelector: { matchLabels: { "app.kubernetes.io/name": t.app } },
            },
          ],
          ports: [tcp(t.port)],
        })),
        { to: [peer("state")], ports: [tcp(PORTS.kubeStateMetrics)] },
        // The kubelet and the host's exporters listen on the node's own address, which no pod selector matches.
        { ports: nodePorts.map(tcp) },
      ],
    ),
    policy(
      "rules",
      [],
      [
        { to: [peer("scraper")], ports: [tcp(PORTS.victoriaMetrics)] },
        { to: [peer("alertmanager")], ports: [tcp(PORTS.alertmanager)] },
      ],
    ),
    policy(
      "alertmanager",
      [{ from: [peer("rules"), peer("grafana"), peer("alert-test")], ports: [tcp(PORTS.alertmanager)] }],
      [INTERNET_HTTPS],
    ),
    policy("alert-test", [], [{ to: [peer("alertmanager")], ports: [tcp(PORTS.alertmanager)] }]),
    policy("state", [{ from: [peer("scraper")], ports: [tcp(PORTS.kubeStateMetrics)] }], [KUBE_API]),
    policy("logs", [{ from: [peer("collector"), peer("grafana")], ports: [tcp(PORTS.loki)] }], []),
    policy("collector", [], [KUBE_API, { to: [peer("logs")], ports: [tcp(PORTS.loki)] }]),
    policy(
      "grafana",
      [{ from: [{ namespaceSelector: namespaceSelector(INGRESS_NAMESPACE) }], ports: [tcp(PORTS.grafana)] }],
      [
        { to: [peer("scraper")], ports: [tcp(PORTS.victoriaMetrics)] },
        { to: [peer("logs")], ports: [tcp(PORTS.loki)] },
        { to: [peer("alertmanager")], ports: [tcp(PORTS.alertmanager)] },
        // FAF's login: Hydra's token and userinfo endpoints at hydra.<domain>, through Cloudflare.
        INTERNET_HTTPS,
      ],
    ),
  ];
}
