import type { KubeObject } from "../lib/kube";
import { workloadLabels } from "../lib/labels";

/** Where a workload's Secret comes from. */
export type SecretSource =
  | {
      kind: "infisical";
      /** The InfisicalAuth every sync authenticates through. */
      authRef: { name: string; namespace: string };
      projectSlug: string;
      environment: string;
    }
  | { kind: "generated" };

export const INFISICAL_API = "secrets.infisical.com/v1beta1";
/** How often the operator re-reads a path; instant updates need Infisical's event stream. */
export const REFRESH_INTERVAL = "60s";

/**
 * The sync that keeps a workload's Secret (same name, same namespace) equal to the Infisical
 * folder `/<workload>`: FAF's layout since gitops-stack. The operator owns the Secret
 * (`creationPolicy: Owner`), so deleting the sync deletes it.
 */
export function infisicalStaticSecret(
  workload: string,
  namespace: string,
  source: Extract<SecretSource, { kind: "infisical" }>,
  /** Labels the synced Secret must carry (Argo CD reads only Secrets labelled part-of argocd). */
  targetLabels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: INFISICAL_API,
    kind: "InfisicalStaticSecret",
    metadata: { name: workload, namespace, labels: workloadLabels(workload, "secret") },
    spec: {
      infisicalAuthRef: source.authRef,
      syncOptions: { refreshInterval: REFRESH_INTERVAL, instantUpdates: false },
      sources: [{ projectSlug: source.projectSlug, environmentSlug: source.environment, secretPath: `/${workload}` }],
      targets: [
        {
          kind: "Secret",
          name: workload,
          namespace,
          creationPolicy: "Owner",
          ...(targetLabels ? { metadata: { labels: targetLabels, annotations: {} } } : {}),
        },
      ],
    },
  };
}

/** A folder of the secret store and the keys something in the cluster reads from it. */
export interface ExpectedSecrets {
  path: string;
  keys: string[];
  /** Who reads them. */
  reader: string;
}

/** Every Infisical folder a stack's syncs read, with the keys the readers need. Pure. */
export function expectedSecrets(
  workloads: readonly { name: string; secrets?: { keys: string[] } }[],
  argocd: boolean,
): ExpectedSecrets[] {
  const list: ExpectedSecrets[] = workloads
    .filter((spec) => (spec.secrets?.keys.length ?? 0) > 0)
    .map((spec) => ({ path: `/${spec.name}`, keys: [...(spec.secrets?.keys ?? [])].sort(), reader: spec.name }));
  if (argocd) {
    list.push(
      { path: "/argocd-redis", keys: ["auth"], reader: "argocd (Redis password)" },
      { path: "/argocd-oidc", keys: ["clientSecret"], reader: "argocd (Hydra client secret)" },
    );
  }
  return list;
}
