/**
 * faf-infra: the whole server side of FAForever as one Pulumi program.
 * settings -> cluster -> platform -> data -> apps -> outputs
 */
import * as k8s from "@pulumi/kubernetes";
import { renderContextFor } from "./components/apps/context";
import { Workload } from "./components/apps/workload";
import { Namespaces } from "./components/cluster/namespaces";
import { loadProfile } from "./components/config/load";
import { NAMESPACES } from "./components/lib/names";
import { fqdn } from "./components/lib/template";

// Settings: every value parsed and checked before the first resource exists.
const profile = loadProfile();

// Cluster access. The host issue replaces the kube context with the provisioned k3s host on prod and test.
const provider = new k8s.Provider("kubernetes", {
  context: profile.kubernetes.context,
  ...(profile.kubernetes.kubeconfig ? { kubeconfig: profile.kubernetes.kubeconfig } : {}),
  // Only a change of cluster replaces the provider (and with it every object); a rotated
  // certificate or a renamed context is an update.
  clusterIdentifier: profile.hostName ?? profile.kubernetes.context,
});

const namespaces = new Namespaces("namespaces", { protect: profile.protectData }, { providers: [provider] });

// Apps: in dependency order, so each workload starts after what it requires is up.
const workloads = new Map<string, Workload>();
for (const spec of profile.services.workloads) {
  const required = (spec.requires ?? []).map((name) => workloads.get(name)).filter((w) => w !== undefined);
  workloads.set(
    spec.name,
    new Workload(
      spec.name,
      {
        spec,
        context: renderContextFor(profile, spec),
        after: [namespaces.byKey[spec.namespace ?? "apps"], ...required],
      },
      { providers: [provider] },
    ),
  );
}

export const environment = profile.environment;
export const services = profile.services.workloads.map((spec) => spec.name);
export const addedAsDependencies = profile.services.added;
export const dataServices = profile.services.dataServices;
export const namespaceNames = Object.values(NAMESPACES);
export const publicHosts = profile.services.workloads
  .flatMap((spec) => (spec.routes ?? []).flatMap((route) => route.hosts.map((host) => fqdn(host, profile.baseDomain))))
  .filter((host, index, all) => all.indexOf(host) === index)
  .sort();
