import { parse, stringify } from "yaml";

interface Kubeconfig {
  clusters?: { name: string; cluster: { server?: string } }[];
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  users?: { name: string }[];
  "current-context"?: string;
}

/**
 * k3s writes a kubeconfig for `https://127.0.0.1:6443` with everything named `default`. This
 * points it at the host's address and names cluster, user and context after the node, so it
 * can sit beside other kubeconfigs. Pure; the credentials pass through untouched.
 */
export function rewriteKubeconfig(text: string, address: string, name: string): string {
  let config: Kubeconfig;
  try {
    config = parse(text) as Kubeconfig;
  } catch {
    throw new Error(`the kubeconfig read from ${name} is not YAML`);
  }
  const cluster = config?.clusters?.[0];
  if (!cluster?.cluster.server) throw new Error(`the kubeconfig read from ${name} has no cluster server`);
  const port = new URL(cluster.cluster.server).port || "6443";
  const host = address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
  const renamed: Kubeconfig = {
    ...config,
    clusters: [{ ...cluster, name, cluster: { ...cluster.cluster, server: `https://${host}:${port}` } }],
    users: (config.users ?? []).slice(0, 1).map((user) => ({ ...user, name })),
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
  };
  return stringify(renamed);
}

/** A warning when k3s's certificates expire within `days`, with the commands that renew them. */
export function certificateWarning(expiry: string, now: Date, node: string, address: string, days = 30): string | undefined {
  const expires = Date.parse(expiry);
  if (Number.isNaN(expires)) return `could not read the k3s certificate expiry on ${node} (got "${expiry}")`;
  const left = Math.floor((expires - now.getTime()) / 86_400_000);
  if (left >= days) return undefined;
  return (
    `k3s certificates on ${node} expire on ${expiry} (${left} days). kubectl, the Kubernetes provider and CronJobs stop working then. ` +
    `Renew: ssh root@${address} 'systemctl restart k3s' (k3s renews certificates within 120 days of expiry on start; ` +
    `if expired: systemctl stop k3s && k3s certificate rotate && systemctl start k3s), ` +
    `then pulumi up --replace on the host's kubeconfig and certificates steps (docs/runbooks/renew-k3s-certificates.md).`
  );
}
