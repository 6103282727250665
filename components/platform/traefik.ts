import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Profile } from "../config/profile";
import type { VolumeRow } from "../cluster/storage-table";
import { claimName } from "../cluster/storage-table";
import { NAMESPACES } from "../lib/names";
import { fqdn } from "../lib/template";
import { pinnedChart } from "./charts";

const TYPE = "faf:platform:Traefik";

/** Cloudflare's published IPv4 ranges: forwarded headers are trusted from these only. */
export const CLOUDFLARE_IPV4 = [
  "173.245.48.0/20",
  "103.21.244.0/22",
  "103.22.200.0/22",
  "103.31.4.0/22",
  "141.101.64.0/18",
  "108.162.192.0/18",
  "190.93.240.0/20",
  "188.114.96.0/20",
  "197.234.240.0/22",
  "198.41.128.0/17",
  "162.158.0.0/15",
  "104.16.0.0/13",
  "104.24.0.0/14",
  "172.64.0.0/13",
  "131.0.72.0/22",
];
/** Proxies that may speak PROXY protocol to the entry points (FAF: the internal network and its TCP relay). */
/** Raw TCP entry points and the port each listens on, inside the pod and on the node. */
export const TCP_ENTRY_POINTS: Record<string, number> = { "replay-stream": 15000 };
/** Traefik's pod resources (the laptop budget counts them). */
export const TRAEFIK_RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } };
export const PROXY_PROTOCOL_WEB = ["10.0.0.0/8"];
export const PROXY_PROTOCOL_REPLAY = ["10.0.0.0/8", "167.235.217.62/32"];

/** The managed volume for Let's Encrypt's account and certificates (only in that TLS mode). */
export const ACME_VOLUME: Record<string, VolumeRow> = {
  "traefik-acme": { folder: "traefik-acme", size: "128Mi", namespace: NAMESPACES.traefik, usage: "files" },
};

export function traefikVolumes(tls: Profile["tls"]): Record<string, VolumeRow> {
  return tls.mode === "letsencrypt" ? ACME_VOLUME : {};
}

export type TraefikInput = Pick<Profile, "environment" | "baseDomain" | "tls" | "behindCloudflare" | "ingress">;

/** The chart's values for a stack. Pure, so every environment's values are tested directly. */
export function traefikValues(input: TraefikInput): Record<string, unknown> {
  // Without a real certificate (a laptop): plain HTTP stays open and the dashboard is routed.
  const local = input.ingress.tls === undefined;
  const cloudflare = input.behindCloudflare;
  const letsencrypt = input.tls.mode === "letsencrypt" ? input.tls : undefined;
  return {
    deployment: { replicas: 1 },
    // One pod at a time: the ACME file must have a single writer, and a laptop has no room for two.
    updateStrategy: { type: "Recreate" },
    // k3s ServiceLB (klipper-lb) binds 80/443/15000 on the node and forwards to this Service,
    // so Traefik itself stays unprivileged (docs/decisions/009). Local keeps the client address.
    service: { spec: { type: "LoadBalancer", externalTrafficPolicy: "Local" } },
    ports: {
      web: {
        port: 8000,
        exposedPort: 80,
        expose: { default: true },
        ...(local ? {} : { http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } } }),
        ...(cloudflare ? { forwardedHeaders: { trustedIPs: CLOUDFLARE_IPV4 } } : {}),
      },
      websecure: {
        port: 8443,
        exposedPort: 443,
        expose: { default: true },
        http: { tls: { enabled: true } },
        transport: { respondingTimeouts: { readTimeout: 60 } },
        ...(cloudflare
          ? { forwardedHeaders: { trustedIPs: CLOUDFLARE_IPV4 }, proxyProtocol: { trustedIPs: PROXY_PROTOCOL_WEB } }
          : {}),
      },
      "replay-stream": {
        port: TCP_ENTRY_POINTS["replay-stream"],
        exposedPort: TCP_ENTRY_POINTS["replay-stream"],
        protocol: "TCP",
        expose: { default: true },
        ...(cloudflare ? { proxyProtocol: { trustedIPs: PROXY_PROTOCOL_REPLAY } } : {}),
      },
    },
    // `;` in API query strings: FAF's API uses it (the reason Traefik was once pinned to 2.7.1).
    additionalArguments: [
      "--entrypoints.websecure.http.encodequerysemicolons=true",
      "--entrypoints.web.http.encodequerysemicolons=true",
    ],
    ...(local ? {} : { tlsOptions: { default: { minVersion: "VersionTLS13" } } }),
    ...(input.tls.mode === "secret"
      ? { tlsStore: { default: { defaultCertificate: { secretName: input.tls.secretName } } } }
      : {}),
    ...(letsencrypt
      ? {
          certificatesResolvers: {
            letsencrypt: { acme: { email: letsencrypt.email, storage: "/data/acme.json", httpChallenge: { entryPoint: "web" } } },
          },
          persistence: { enabled: true, existingClaim: claimName("traefik-acme"), path: "/data" },
        }
      : {}),
    providers: {
      kubernetesCRD: { allowCrossNamespace: false, allowExternalNameServices: local },
      kubernetesIngress: { enabled: false },
    },
    ingressRoute: {
      dashboard: local
        ? { enabled: true, matchRule: `Host(\`${fqdn("traefik", input.baseDomain)}\`)`, entryPoints: ["web", "websecure"] }
        : { enabled: false },
    },
    // Chart 41 renamed logs.general/logs.access to log/accessLog (its schema rejects the old keys).
    log: { level: "INFO" },
    accessLog: { enabled: local },
    resources: TRAEFIK_RESOURCES,
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
  };
}

export interface TraefikArgs {
  input: TraefikInput;
  after?: pulumi.Resource[];
}

/** Traefik from its upstream chart, pinned; its CRDs come with it (chart `crds/`). */
export class Traefik extends pulumi.ComponentResource {
  /** Wait on this before creating IngressRoutes or Middlewares. */
  readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: TraefikArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    this.chart = pinnedChart(`${name}-chart`, "traefik", NAMESPACES.traefik, traefikValues(args.input), {
      parent: this,
      dependsOn: args.after ?? [],
    });
    this.registerOutputs({});
  }
}
