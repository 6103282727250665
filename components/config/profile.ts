import { resolveServices, type ServiceSelection } from "../apps/catalogue";
import { monitoringEnabled, type Environment, type Settings } from "./schema";

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
  /** Nightly dumps of the databases, and ZFS snapshots before data-service changes (a provisioned host only). */
  backups: Settings["backups"];
  /** Metrics, logs, dashboards and alerts (docs/decisions/020); undefined: none of it is rendered. */
  monitoring: MonitoringProfile | undefined;
  /** Tags are pinned, so a node keeps what it pulled; see docs/decisions/003. */
  imagePullPolicy: "IfNotPresent";
  /** Protect data-bearing objects from deletion and replacement (real data lives there). */
  protectData: boolean;
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
    services: resolveServices(settings.services),
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
    backups: { ...settings.backups, zfsSnapshots: settings.backups.zfsSnapshots && settings.host !== undefined },
    monitoring: monitoringEnabled(settings)
      ? {
          oidcClientId: settings.monitoring.oidcClientId,
          receiver: settings.monitoring.receiver,
          size: hosted ? "node" : "small",
          hostMetrics: settings.host !== undefined,
        }
      : undefined,
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
