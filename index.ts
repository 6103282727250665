/**
 * faf-infra: the whole server side of FAForever as one Pulumi program.
 * settings -> host -> cluster -> platform -> data -> apps -> outputs
 */
import * as k8s from "@pulumi/kubernetes";
import { renderContextFor } from "./components/apps/context";
import { ARGOCD_OIDC_SECRET } from "./components/apps/oauth-clients";
import { Workload } from "./components/apps/workload";
import { Access } from "./components/cluster/access";
import { Namespaces } from "./components/cluster/namespaces";
import { Storage } from "./components/cluster/storage";
import { VOLUMES } from "./components/cluster/storage-table";
import { loadStack } from "./components/config/load";
import { K3sHost } from "./components/host/k3s-host";
import { NAMESPACES } from "./components/lib/names";
import { fqdn } from "./components/lib/template";
import { SecretStore } from "./components/platform/secrets";
import { useSources } from "./components/platform/charts";
import { Traefik, traefikVolumes } from "./components/platform/traefik";
import { ArgoCD } from "./components/platform/argocd";
import { GeneratedPasswords } from "./components/apps/generated-secret";
import { DataServices, SNAPSHOT_VOLUMES, dataGeneration, restoreObjects } from "./components/data/data-services";
import type { DataContext } from "./components/data/common";
import { dumpYaml } from "./components/lib/yaml";
import { DevelopFiles } from "./components/laptop/develop-files";
import { seedObjects } from "./components/laptop/seed";
import { Seed } from "./components/laptop/seed-resources";
import { neededNamespaces, neededVolumes, reportLines, selectionReport } from "./components/laptop/selection";
import * as pulumi from "@pulumi/pulumi";
import { Monitoring } from "./components/monitoring/monitoring";
import { MONITORING_VOLUMES } from "./components/monitoring/values";

// Settings: every value parsed and checked before the first resource exists.
const { profile, secrets } = loadStack();
useSources(profile.sources);

// Host: on prod and test, k3s is provisioned on FAF's NixOS/ZFS machine, which yields the
// provider; a laptop brings its own cluster and names its kube context.
const cluster = profile.cluster;
const monitoringVolumes = profile.monitoring ? MONITORING_VOLUMES : {};
// A laptop's list of services gets only the volumes and namespaces it uses; `all` gets the table.
// Traefik's and the monitoring's volumes (Grafana's is FAF's own) come with any selection.
const volumes = neededVolumes(profile, { ...VOLUMES, ...traefikVolumes(profile.tls), ...monitoringVolumes }, [
  ...Object.keys(traefikVolumes(profile.tls)),
  ...Object.keys(monitoringVolumes),
  ...(profile.monitoring ? ["grafana"] : []),
]);
let host: K3sHost | undefined;
let provider: k8s.Provider;
if (cluster.kind === "host") {
  host = new K3sHost("host", {
    host: cluster.host,
    baseDomain: profile.baseDomain,
    sshPrivateKey: secrets.sshPrivateKey,
    volumes,
    // The host's node and ZFS exporters and the k3s certificate metrics (docs/decisions/021).
    hostMetrics: profile.monitoring?.hostMetrics ?? false,
    // A snapshot of the databases' datasets before any change to a data service.
    ...(profile.backups.zfsSnapshots
      ? {
          dataSnapshot: {
            volumes: [...SNAPSHOT_VOLUMES],
            generation: dataGeneration(profile.services.workloads, profile.environment),
            retentionDays: profile.backups.snapshotRetentionDays,
          },
        }
      : {}),
  });
  provider = host.provider;
} else {
  provider = new k8s.Provider("kubernetes", {
    context: cluster.context,
    ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
    // Only a change of cluster replaces the provider (and with it every object).
    clusterIdentifier: cluster.context,
  });
}

// Cluster: namespaces with their isolation, and FAF's volumes on the node's data path.
const namespaces = new Namespaces(
  "namespaces",
  { protect: profile.protectData, only: neededNamespaces(profile) },
  { providers: [provider] },
);
const storage = new Storage(
  "storage",
  { ...profile.storage, volumes, protect: profile.protectData, after: Object.values(namespaces.byKey) },
  { providers: [provider] },
);

new Access("access", { access: profile.access, after: Object.values(namespaces.byKey) }, { providers: [provider] });

// Platform: ingress ("no matches for kind IngressRoute in version traefik.io/v1alpha1" until its
// CRDs exist, so every workload waits for it), and where application secrets come from.
const traefikVolume = Object.keys(traefikVolumes(profile.tls)).flatMap((key) => storage.claims[key] ?? []);
const traefik = new Traefik(
  "traefik",
  { input: profile, after: [namespaces.byKey.traefik, ...traefikVolume] },
  { providers: [provider] },
);
const secretStore = new SecretStore(
  "secrets",
  { secrets: profile.secrets, identity: secrets.infisical, after: [namespaces.byKey.ops] },
  { providers: [provider] },
);

// Argo CD shows every workload read-only; Pulumi stays the only owner of the objects.
let argocd: ArgoCD | undefined;
if (profile.argocd.enabled) {
  argocd = new ArgoCD(
    "argocd",
    {
      input: profile,
      workloads: profile.services.workloads,
      secretSource: secretStore.source,
      // faf-apps: a copy of its OAuth client secret lives there for Hydra's client reconcile.
      after: [namespaces.byKey.argocd, namespaces.byKey.apps, traefik.chart, ...secretStore.ready],
    },
    { providers: [provider] },
  );
}

// Monitoring: metrics, logs, dashboards and alerts in faf-ops (docs/decisions/020); none of it when off.
if (profile.monitoring) {
  new Monitoring(
    "monitoring",
    {
      input: {
        ...profile,
        monitoring: profile.monitoring,
        workloads: profile.services.workloads,
        dataServices: profile.services.dataServices,
      },
      secretSource: secretStore.source,
      alertWebhookUrl: secrets.alertWebhookUrl,
      after: [namespaces.byKey.ops, traefik.chart, ...secretStore.ready],
      claims: storage.claims,
    },
    { providers: [provider] },
  );
}

// Where no secret store is used, every password is generated once and shared: the app's Secret
// and the data layer's copies (a broker user's credentials) hold the same value.
const passwords =
  secretStore.source.kind === "generated"
    ? new GeneratedPasswords(new pulumi.ComponentResource("faf:secrets:Generated", "generated-secrets"))
    : undefined;

// Data: the databases, users, grants, vhosts and backups the selected workloads declare.
const dataContext: DataContext = {
  environment: profile.environment,
  protect: profile.protectData,
  backups: profile.backups,
  secretSource: secretStore.source,
  passwords,
};
const data = new DataServices(
  "data",
  {
    workloads: profile.services.workloads,
    services: profile.services.dataServices,
    context: dataContext,
    render: {
      environment: profile.environment,
      baseDomain: profile.baseDomain,
      ingress: profile.ingress,
      imagePullPolicy: profile.imagePullPolicy,
      secretSource: secretStore.source,
      argoTracking: false,
    },
    passwords,
    after: [
      namespaces.byKey.infra,
      namespaces.byKey.apps,
      namespaces.byKey.ops,
      ...secretStore.ready,
      ...(host?.dataSnapshot ?? []),
    ],
    claims: storage.claims,
  },
  { providers: [provider] },
);

// Apps: in dependency order, so each workload starts after what it requires is up.
const workloads = new Map<string, Workload>();
for (const spec of profile.services.workloads) {
  const required = (spec.requires ?? []).map((name) => workloads.get(name)).filter((w) => w !== undefined);
  const context = renderContextFor(profile, spec, secretStore.source);
  // A workload that registers Argo CD's OAuth client reads the copy of its secret in faf-apps.
  const readsArgoSecret = (context.oauthClients ?? []).some(
    (client) => client.secret?.secretName === ARGOCD_OIDC_SECRET.secretName,
  );
  workloads.set(
    spec.name,
    new Workload(
      spec.name,
      {
        spec,
        context,
        after: [
          namespaces.byKey[spec.namespace ?? "apps"],
          ...(spec.volumes ?? []).flatMap((mount) => storage.claims[mount.volume] ?? []),
          ...secretStore.ready,
          traefik.chart,
          ...required,
          ...(readsArgoSecret && argocd ? [argocd.clientSecret] : []),
        ],
        // Its pods and jobs wait for its database users and grants and its broker user; the
        // migrations Job of faf_lobby is one of `required`.
        runAfter: data.readyFor(spec),
        passwords,
      },
      { providers: [provider] },
    ),
  );
}

// faf:develop: the files each service running on the developer's machine reads (docs/laptop.md).
const developFilesWritten: string[] = [];
for (const spec of profile.services.workloads) {
  if (!profile.develop[spec.name]) continue;
  const files = new DevelopFiles(`${spec.name}-develop`, {
    spec,
    environment: profile.environment,
    baseDomain: profile.baseDomain,
    secretValues: workloads.get(spec.name)?.generatedSecret?.values,
  });
  developFilesWritten.push(...files.paths);
}

// faf:seed (a laptop only): test accounts, OAuth clients and content, after the migrations and Hydra.
if (profile.seed) {
  const seeded = profile.services.workloads.map((spec) => spec.name).filter((name) => !profile.develop[name]);
  const after = (name: string): pulumi.Resource[] => (workloads.get(name) ? [workloads.get(name)!] : []);
  new Seed(
    "seed",
    {
      objects: seedObjects({ environment: profile.environment, baseDomain: profile.baseDomain, selected: seeded }),
      afterDatabase: [namespaces.byKey.infra, ...after("faf-db-migrations")],
      afterOAuth: [namespaces.byKey.apps, ...after("ory-hydra")],
    },
    { providers: [provider] },
  );
}

export const environment = profile.environment;
export const k3sCertificateExpiry = host?.certificateExpiry ?? null;
export const services = profile.services.workloads.map((spec) => spec.name);
export const addedAsDependencies = profile.services.added;
export const dataServices = profile.services.dataServices;
/** What an admin applies to restore each database's newest dump (docs/runbooks/restore-a-database.md). */
export const restoreManifests = Object.fromEntries(
  Object.entries(restoreObjects(data.plan, dataContext, profile.services.dataServices)).map(([engine, object]) => [
    engine,
    dumpYaml(object),
  ]),
);
export const namespaceNames = Object.values(NAMESPACES);
export const publicHosts = profile.services.workloads
  .flatMap((spec) => (spec.routes ?? []).flatMap((route) => route.hosts.map((name) => fqdn(name, profile.baseDomain))))
  .filter((name, index, all) => all.indexOf(name) === index)
  .sort();
/** A laptop's selection: what was added and why, URLs, requests against faf:budget (docs/laptop.md). */
export const laptop =
  profile.environment === "local"
    ? (() => {
        const report = selectionReport(profile);
        return { ...report, developFiles: developFilesWritten, summary: reportLines(report) };
      })()
    : null;
