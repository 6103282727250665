import { catalogueFor, resolveServices, type ServiceSelection } from "../apps/catalogue";
import { fafLegacyDeployment, withDeployScripts } from "../apps/faf-legacy-deployment";
import { readDeployScripts } from "./deploy-scripts";
import { developHostFor, monitoringEnabled, type Environment, type Settings } from "./schema";
import type { Sources } from "./sources";

export type HostSettings = NonNullable<Settings["host"]>;

/**
 * How a stack behaves, derived from its settings alone (never from the stack's name): a copy
 * of `Pulumi.local.yaml` under another name renders the same thing. The only object that
 * says how prod, test and local differ.
 */
export interface Profile {
  environment: Environment;
  baseDomain: string;
  hostName: string | undefined;
  /** How the program reaches its cluster: an existing kube context, or a host it provisions. */
  cluster: { kind: "context"; context: string; kubeconfig?: string } | { kind: "host"; host: HostSettings };
  services: ServiceSelection;
  /** `all`, or the names the stack file asks for (before dependencies are added). */
  requested: "all" | readonly string[];
  /** Replica counts set in the stack file, by service. */
  replicaOverrides: Readonly<Record<string, number>>;
  ingress: {
    /** Traefik entry points every HTTP route listens on. */
    entryPoints: string[];
    /** The routes' TLS block: `{}` uses the default certificate, `certResolver` Let's Encrypt; none: plain HTTP too. */
    tls: { certResolver?: string } | undefined;
  };

  /** Where application secrets come from. */
  secrets: Settings["secrets"];
  /** Whether Pulumi creates the Infisical machine identity Secret from secret settings. */
  manageInfisicalIdentity: boolean;
  /** Where volumes live: `local` PVs on a provisioned host, `hostPath` directories on a laptop. */
  storage: { kind: "local" | "hostPath"; dataPath: string; node: string | undefined };
  tls: Settings["tls"];
  behindCloudflare: boolean;
  access: Settings["access"];
  argocd: Settings["argocd"];
  /** Upstream charts and manifests taken from a mirror or a local path instead of their public source. */
  sources: Sources;
  /** Nightly dumps of the databases, and ZFS snapshots before data-service changes (a provisioned host only). */
  backups: Settings["backups"];
  /** Metrics, logs, dashboards and alerts (docs/decisions/020); undefined: none of it is rendered. */
  monitoring: MonitoringProfile | undefined;
  /** Tags are pinned, so a node keeps what it pulled; see docs/decisions/003. */
  imagePullPolicy: "IfNotPresent";
  /** Protect data-bearing objects from deletion and replacement (real data lives there). */
  protectData: boolean;
  /** What a laptop gives the cluster; the selection's requests must fit (local only). */
  budget: Settings["budget"];
  /** Services run as processes on the developer's machine, each with its host and ports (local only). */
  develop: Readonly<Record<string, DevelopTarget>>;
  /** Locally built images that replace the pinned ones, by service (local only). */
  images: Readonly<Record<string, string>>;
  /** Seed test accounts, OAuth clients and content after the migrations (local only). */
  seed: boolean;
}

/** Where a developed service's traffic goes: the developer's machine as pods reach it. */
export interface DevelopTarget {
  host: string;
  /** The process's port for the first exposed port. */
  port: number;
  /** Ports for other exposed ports, by name. */
  ports: Readonly<Record<string, number>>;
}

export interface MonitoringProfile {
  oidcClientId: string;
  receiver: { type: "discord" | "matrix" } | undefined;
  /** `small` on a laptop (short retention, small requests), `node` on FAF's host. */
  size: "small" | "node";
  /** The host's own exporters (node, ZFS, k3s certificates) run where the program provisions the host. */
  hostMetrics: boolean;
}

export function buildProfile(settings: Settings): Profile {
  const hosted = settings.environment !== "local";
  return {
    environment: settings.environment,
    baseDomain: settings.baseDomain,
    hostName: settings.hostName,
    cluster: settings.host
      ? { kind: "host", host: settings.host }
      : { kind: "context", context: settings.kubernetes?.context ?? "", kubeconfig: settings.kubernetes?.kubeconfig },
    services: withLegacyDeployScripts(
      withImages(resolveServices(settings.services, catalogueFor(settings.environment)), settings.images ?? {}),
      settings.legacyDeployment?.scripts,
    ),
    requested: settings.services,
    replicaOverrides: settings.replicas ?? {},
    ingress: ingressFor(settings.tls),
    imagePullPolicy: "IfNotPresent",
    protectData: hosted,
    secrets: settings.secrets,
    manageInfisicalIdentity: settings.infisicalClientId !== undefined,
    storage: settings.host
      ? { kind: "local", dataPath: settings.host.dataPath, node: settings.hostName }
      : { kind: "hostPath", dataPath: settings.storage?.dataPath ?? "", node: settings.storage?.node },
    tls: settings.tls,
    behindCloudflare: settings.behindCloudflare,
    access: settings.access,
    argocd: settings.argocd,
    sources: settings.sources ?? {},
    backups: { ...settings.backups, zfsSnapshots: settings.backups.zfsSnapshots && settings.host !== undefined },
    monitoring: monitoringEnabled(settings)
      ? {
          oidcClientId: settings.monitoring.oidcClientId,
          receiver: settings.monitoring.receiver,
          size: hosted ? "node" : "small",
          hostMetrics: settings.host !== undefined,
        }
      : undefined,
    budget: settings.budget,
    develop: Object.fromEntries(
      Object.entries(settings.develop ?? {}).map(([name, entry]) => [
        name,
        { host: entry.host ?? developHostFor(settings.kubernetes?.context) ?? "", port: entry.port, ports: entry.ports ?? {} },
      ]),
    ),
    images: settings.images ?? {},
    seed: settings.seed === true,
  };
}

/** Where HTTP routes listen, from the certificate settings. */
function ingressFor(tls: Settings["tls"]): Profile["ingress"] {
  switch (tls.mode) {
    case "secret":
      return { entryPoints: ["websecure"], tls: {} };
    case "letsencrypt":
      return { entryPoints: ["websecure"], tls: { certResolver: "letsencrypt" } };
    case "self-signed":
      // No public certificate (a laptop): serve plain HTTP too, so curl and browsers just work.
      return { entryPoints: ["web", "websecure"], tls: undefined };
  }
}

/** The selection with locally built images in place of the pinned ones (`faf:images`). */
function withImages(selection: ServiceSelection, images: Readonly<Record<string, string>>): ServiceSelection {
  return {
    ...selection,
    workloads: selection.workloads.map((spec) => {
      const reference = images[spec.name];
      if (reference === undefined) return spec;
      const colon = reference.lastIndexOf(":");
      return { ...spec, image: { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) } };
    }),
  };
}

/** The selection with the stack's own coop deploy build (`faf:legacyDeployment.scripts`), when set. */
function withLegacyDeployScripts(selection: ServiceSelection, dir: string | undefined): ServiceSelection {
  if (dir === undefined) return selection;
  const files = readDeployScripts(dir);
  return {
    ...selection,
    workloads: selection.workloads.map((spec) =>
      spec.name === fafLegacyDeployment.name ? withDeployScripts(spec, files) : spec,
    ),
  };
}
