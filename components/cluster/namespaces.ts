import * as pulumi from "@pulumi/pulumi";
import { createObject } from "../lib/create";
import type { KubeObject } from "../lib/kube";
import { platformLabels } from "../lib/labels";
import { DNS_EGRESS, NAMESPACES, namespaceSelector, type NamespaceKey } from "../lib/names";

const TYPE = "faf:cluster:Namespaces";

/** The Kubernetes version the Pod Security Standards are pinned to (k3s 1.33 and later). */
export const PSA_VERSION = "v1.33";

/**
 * Pod Security Admission level per namespace: `restricted` where every workload complies,
 * otherwise the level it needs and why. Violations of `restricted` are still warned and audited.
 */
export const POD_SECURITY: Record<NamespaceKey, { level: "restricted" | "baseline" | "privileged"; why: string }> = {
  apps: { level: "restricted", why: "every FAF workload is rendered non-root, seccomp RuntimeDefault, all capabilities dropped" },
  infra: {
    level: "baseline",
    why: "the official database images start as root to own their data directories, then drop privileges",
  },
  ops: { level: "baseline", why: "the Infisical operator chart's pods are not verified against restricted" },
  traefik: { level: "restricted", why: "Traefik runs unprivileged on 8000/8443; k3s ServiceLB binds 80/443 in kube-system" },
  argocd: { level: "baseline", why: "not every Argo CD chart component is verified against restricted" },
  replayMounter: { level: "privileged", why: "the CIFS watchdog mounts a share into the host with bidirectional propagation" },
};

/** Namespaces whose traffic is denied unless a policy admits it (FAF's own). */
export const DEFAULT_DENY: readonly NamespaceKey[] = ["apps", "infra", "ops"];

/**
 * Namespaces whose pods may talk to each other freely: faf-infra holds only the data services
 * and their own jobs (setup, backups, the operator's backup pods, whose labels it chooses).
 */
export const OPEN_INSIDE: readonly NamespaceKey[] = ["infra"];

/** The Namespace objects, one per entry of {@link NAMESPACES}, labelled for Pod Security Admission. */
export function namespaceObjects(): { key: NamespaceKey; object: KubeObject }[] {
  return (Object.entries(NAMESPACES) as [NamespaceKey, string][]).map(([key, name]) => {
    const { level, why } = POD_SECURITY[key];
    return {
      key,
      object: {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name,
          labels: {
            ...platformLabels("namespace"),
            "pod-security.kubernetes.io/enforce": level,
            "pod-security.kubernetes.io/enforce-version": PSA_VERSION,
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": PSA_VERSION,
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": PSA_VERSION,
          },
          annotations: { "faforever.com/pod-security-reason": why },
        },
      },
    };
  });
}

/** Deny all traffic in a namespace, then admit DNS: workloads open what they need themselves. */
export function isolationPolicies(namespace: string, openInside = false): KubeObject[] {
  const labels = platformLabels("network");
  const inside = [{ namespaceSelector: namespaceSelector(namespace), podSelector: {} }];
  return [
    ...(openInside
      ? [
          {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "allow-same-namespace", namespace, labels },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: inside }], egress: [{ to: inside }] },
          },
        ]
      : []),
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "default-deny", namespace, labels },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "allow-dns", namespace, labels },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [DNS_EGRESS],
      },
    },
  ];
}

export interface NamespacesArgs {
  /** Protect them from deletion: deleting a namespace deletes every claim and secret in it. */
  protect: boolean;
  /** Only these (a laptop's selection); default every namespace. */
  only?: readonly NamespaceKey[] | "all";
}

export class Namespaces extends pulumi.ComponentResource {
  readonly byKey: Readonly<Record<NamespaceKey, pulumi.CustomResource>>;

  constructor(name: string, args: NamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const byKey: Partial<Record<NamespaceKey, pulumi.CustomResource>> = {};
    for (const { key, object } of namespaceObjects()) {
      if (args.only !== undefined && args.only !== "all" && !args.only.includes(key)) continue;
      const namespace = createObject(`${name}-${object.metadata.name}`, object, { parent: this, protect: args.protect });
      byKey[key] = namespace;
      if (!DEFAULT_DENY.includes(key)) continue;
      for (const policy of isolationPolicies(object.metadata.name, OPEN_INSIDE.includes(key))) {
        createObject(`${name}-${object.metadata.name}-${policy.metadata.name}`, policy, { parent: this, dependsOn: [namespace] });
      }
    }
    this.byKey = byKey as Record<NamespaceKey, pulumi.CustomResource>;
    this.registerOutputs({});
  }
}
