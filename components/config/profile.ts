import { resolveServices, type ServiceSelection } from "../apps/catalogue";
import type { Environment, Settings } from "./schema";

/**
 * How a stack behaves, derived from its settings alone (never from the stack's name): a copy
 * of `Pulumi.local.yaml` under another name renders the same thing. The only object that
 * says how prod, test and local differ.
 */
export interface Profile {
  environment: Environment;
  baseDomain: string;
  hostName: string | undefined;
  kubernetes: Settings["kubernetes"];
  services: ServiceSelection;
  /** Replica counts set in the stack file, by service. */
  replicaOverrides: Readonly<Record<string, number>>;
  ingress: {
    /** Traefik entry points every HTTP route listens on. */
    entryPoints: string[];
    /** Whether routes terminate TLS (with Traefik's default certificate). */
    tls: boolean;
  };
  /** Tags are pinned, so a node keeps what it pulled; see docs/decisions/003. */
  imagePullPolicy: "IfNotPresent";
  /** Protect data-bearing objects from deletion and replacement (real data lives there). */
  protectData: boolean;
}

export function buildProfile(settings: Settings): Profile {
  const hosted = settings.environment !== "local";
  return {
    environment: settings.environment,
    baseDomain: settings.baseDomain,
    hostName: settings.hostName,
    kubernetes: settings.kubernetes,
    services: resolveServices(settings.services),
    replicaOverrides: settings.replicas ?? {},
    ingress: hosted
      ? { entryPoints: ["websecure"], tls: true }
      : // A laptop has no public certificate: serve plain HTTP too, so curl and browsers just work.
        { entryPoints: ["web", "websecure"], tls: false },
    imagePullPolicy: "IfNotPresent",
    protectData: hosted,
  };
}
