import type { Profile } from "../config/profile";
import type { SecretSource } from "../platform/secret-sync";
import { callersOf } from "./catalogue";
import { clientsReconciledBy } from "./oauth-clients";
import type { RenderContext } from "./render";
import type { WorkloadSpec } from "./spec";

/** What the renderer needs to know about the stack for one workload of the profile's selection. */
export function renderContextFor(profile: Profile, spec: WorkloadSpec, secretSource: SecretSource): RenderContext {
  const selected = profile.services.workloads;
  const byName = new Map(selected.map((s) => [s.name, s]));
  return {
    environment: profile.environment,
    baseDomain: profile.baseDomain,
    ingress: profile.ingress,
    imagePullPolicy: profile.imagePullPolicy,
    replicaOverride: profile.replicaOverrides[spec.name],
    callers: callersOf(selected).get(spec.name) ?? [],
    required: [...(spec.requires ?? []), ...(spec.calls ?? [])].flatMap((name) => byName.get(name) ?? []),
    secretSource,
    argoTracking: profile.argocd.enabled,
    oauthClients: clientsReconciledBy(spec.name, {
      argocd: profile.argocd.enabled,
      argocdClientId: profile.argocd.oidcClientId,
    }),
    ...(profile.develop[spec.name] ? { develop: profile.develop[spec.name] } : {}),
    ...((spec.hostPaths ?? []).length > 0 ? { storage: { dataPath: profile.storage.dataPath, node: profile.storage.node } } : {}),
  };
}
