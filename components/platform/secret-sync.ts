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
