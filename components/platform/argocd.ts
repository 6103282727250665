import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { stringify } from "yaml";
import { ARGOCD_OIDC_SECRET } from "../apps/oauth-clients";
import type { WorkloadSpec } from "../apps/spec";
import type { Profile } from "../config/profile";
import { createObject } from "../lib/create";
import type { KubeObject } from "../lib/kube";
import { platformLabels } from "../lib/labels";
import { NAMESPACES, workloadNamespace } from "../lib/names";
import { fqdn } from "../lib/template";
import { argocdServerService, ARGOCD_REDIS_SECRET } from "./chart-names";
import { CHARTS, pinnedChart } from "./charts";
import { infisicalStaticSecret, type SecretSource } from "./secret-sync";

const TYPE = "faf:platform:ArgoCD";
const NAMESPACE = NAMESPACES.argocd;
/** The Argo CD project every FAF workload's Application belongs to. */
export const PROJECT = "faf";
const IN_CLUSTER = "https://kubernetes.default.svc";
/** Argo CD reads only Secrets with this label when config refers to `$<secret>:<key>`. */
const ARGOCD_SECRET_LABELS = { "app.kubernetes.io/part-of": "argocd" };

export type ArgoInput = Pick<Profile, "environment" | "baseDomain" | "argocd" | "access" | "ingress">;

/** Argo CD's role policy: admins do everything; maintainers see FAF's applications and their logs. */
export function rbacPolicy(access: Profile["access"]): string {
  return [
    "p, role:faf-admin, *, *, */*, allow",
    `p, role:faf-maintainer, applications, get, ${PROJECT}/*, allow`,
    `p, role:faf-maintainer, logs, get, ${PROJECT}/*, allow`,
    `p, role:faf-maintainer, projects, get, ${PROJECT}, allow`,
    ...access.adminGroups.map((group) => `g, ${group}, role:faf-admin`),
    ...access.maintainerGroups.map((group) => `g, ${group}, role:faf-maintainer`),
    "",
  ].join("\n");
}

/** The chart's values for a stack. Pure. */
export function argocdValues(input: ArgoInput): Record<string, unknown> {
  const domain = fqdn("argocd", input.baseDomain);
  const banner: Record<string, string> = {
    prod: "Production FAF cluster. Be careful.",
    test: "Test FAF cluster. If you break it you fix it.",
    local: "Local FAF cluster.",
  };
  return {
    global: { domain },
    crds: { install: true, keep: true },
    configs: {
      // TLS ends at Traefik; Argo CD serves plain HTTP (and h2c for gRPC) behind it.
      params: { "server.insecure": true },
      cm: {
        "admin.enabled": true,
        "exec.enabled": false,
        "timeout.reconciliation": "180s",
        // Argo CD finds the objects Pulumi created by their tracking annotation (docs/decisions/008).
        "application.resourceTrackingMethod": "annotation",
        "ui.bannercontent": banner[input.environment],
        "ui.bannerpermanent": "true",
        "oidc.config": stringify({
          name: "FAF",
          issuer: `https://${fqdn("hydra", input.baseDomain)}`,
          clientID: input.argocd.oidcClientId,
          clientSecret: "$argocd-oidc:clientSecret",
          requestedScopes: ["openid", "profile", "email"],
          requestedIDTokenClaims: { groups: { essential: true } },
          enablePKCEAuthentication: true,
        }),
      },
      rbac: {
        // Anyone can log in with a FAF account: without a group mapping they see nothing.
        "policy.default": "",
        scopes: "[groups, email]",
        "policy.csv": rbacPolicy(input.access),
      },
    },
    // Chart v4 runs no Helm hooks: the Redis password Secret is created below instead.
    redisSecretInit: { enabled: false },
    dex: { enabled: false },
    notifications: { enabled: false },
  };
}

/** argocd.<domain> through Traefik: the UI over HTTP, the CLI's gRPC over h2c. Pure. */
export function argocdIngressRoute(input: ArgoInput): KubeObject {
  const host = `Host(\`${fqdn("argocd", input.baseDomain)}\`)`;
  // The chart names the Service from the release (chart-names.ts): never a guessed literal.
  const server = argocdServerService(CHARTS.argocd.release, argocdValues(input));
  return {
    apiVersion: "traefik.io/v1alpha1",
    kind: "IngressRoute",
    metadata: { name: "argocd-server", namespace: NAMESPACE, labels: platformLabels("argocd") },
    spec: {
      entryPoints: input.ingress.entryPoints,
      routes: [
        { kind: "Rule", match: host, priority: 10, services: [{ name: server.name, port: server.port }] },
        {
          kind: "Rule",
          match: `${host} && Header(\`Content-Type\`, \`application/grpc\`)`,
          priority: 11,
          services: [{ name: server.name, port: server.port, scheme: "h2c" }],
        },
      ],
      ...(input.ingress.tls ? { tls: input.ingress.tls } : {}),
    },
  };
}

/**
 * The project: FAF's namespaces only (and a dedicated one where a selected workload runs there:
 * the replay mounter's), namespaced objects only, from the renders repository. Pure.
 */
export function argocdProject(input: ArgoInput, workloads: readonly WorkloadSpec[] = []): KubeObject {
  const dedicated = [...new Set(workloads.map((spec) => workloadNamespace(spec)).filter((ns) => !ns.startsWith("faf-")))].sort();
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: PROJECT, namespace: NAMESPACE, labels: platformLabels("argocd") },
    spec: {
      description: "FAF workloads, applied by Pulumi and shown here read-only",
      sourceRepos: [input.argocd.rendersRepo],
      destinations: [
        { server: IN_CLUSTER, namespace: "faf-*" },
        ...dedicated.map((namespace) => ({ server: IN_CLUSTER, namespace })),
      ],
      clusterResourceWhitelist: [],
    },
  };
}

/**
 * One Application per workload, tracking the workload's rendered manifests. No automated sync:
 * Pulumi applies, Argo CD only shows health, logs, events and drift (docs/decisions/008). Pure.
 */
export function argocdApplication(spec: WorkloadSpec, input: ArgoInput): KubeObject {
  const namespace = workloadNamespace(spec);
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: spec.name, namespace: NAMESPACE, labels: platformLabels("argocd") },
    spec: {
      project: PROJECT,
      source: {
        repoURL: input.argocd.rendersRepo,
        targetRevision: input.argocd.rendersRevision,
        path: `rendered/${input.environment}/manifests`,
        // The render names every object of a workload <Kind>-<workload>[-<part>].yaml.
        directory: { recurse: true, include: `{*/*-${spec.name}.yaml,*/*-${spec.name}-*.yaml}` },
      },
      destination: { server: IN_CLUSTER, namespace },
    },
  };
}

export interface ArgoCDArgs {
  input: ArgoInput;
  workloads: readonly WorkloadSpec[];
  secretSource: SecretSource;
  after?: pulumi.Resource[];
}

/** Argo CD from its pinned chart, behind Traefik and FAF's login, watching every workload. */
export class ArgoCD extends pulumi.ComponentResource {
  readonly chart: k8s.helm.v4.Chart;
  /** The copy of Argo CD's client secret in faf-apps: Hydra's client reconcile waits for it. */
  readonly clientSecret: pulumi.Resource;

  constructor(name: string, args: ArgoCDArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const after = args.after ?? [];
    const secrets: pulumi.Resource[] = [];
    if (args.secretSource.kind === "infisical") {
      // /argocd-redis (key auth) and /argocd-oidc (key clientSecret) in Infisical.
      secrets.push(
        createObject(`${name}-redis-sync`, infisicalStaticSecret(ARGOCD_REDIS_SECRET, NAMESPACE, args.secretSource), {
          parent: this,
          dependsOn: after,
        }),
        createObject(
          `${name}-oidc-sync`,
          infisicalStaticSecret("argocd-oidc", NAMESPACE, args.secretSource, ARGOCD_SECRET_LABELS),
          {
            parent: this,
            dependsOn: after,
          },
        ),
        // The same folder into faf-apps, where Hydra's client reconcile Job reads it: one value.
        createObject(
          `${name}-oidc-sync-apps`,
          infisicalStaticSecret(ARGOCD_OIDC_SECRET.secretName, NAMESPACES.apps, args.secretSource),
          { parent: this, dependsOn: after },
        ),
      );
    } else {
      const generated = (key: string) =>
        new random.RandomPassword(`${name}-${key}`, { length: 32, special: false }, { parent: this }).result;
      const oidcSecret = generated("oidc");
      secrets.push(
        new k8s.core.v1.Secret(
          `${name}-redis`,
          {
            metadata: { name: ARGOCD_REDIS_SECRET, namespace: NAMESPACE, labels: platformLabels("argocd") },
            stringData: { auth: generated("redis") },
          },
          { parent: this, dependsOn: after },
        ),
        new k8s.core.v1.Secret(
          `${name}-oidc`,
          {
            metadata: {
              name: "argocd-oidc",
              namespace: NAMESPACE,
              labels: { ...platformLabels("argocd"), ...ARGOCD_SECRET_LABELS },
            },
            stringData: { clientSecret: oidcSecret },
          },
          { parent: this, dependsOn: after },
        ),
        // The same value in faf-apps, where Hydra's client reconcile Job reads it.
        new k8s.core.v1.Secret(
          `${name}-oidc-apps`,
          {
            metadata: { name: ARGOCD_OIDC_SECRET.secretName, namespace: NAMESPACES.apps, labels: platformLabels("argocd") },
            stringData: { [ARGOCD_OIDC_SECRET.key]: oidcSecret },
          },
          { parent: this, dependsOn: after },
        ),
      );
    }
    // Both branches push the faf-apps copy of the client secret last.
    this.clientSecret = secrets[secrets.length - 1] as pulumi.Resource;
    this.chart = pinnedChart(`${name}-chart`, "argocd", NAMESPACE, argocdValues(args.input), {
      parent: this,
      dependsOn: [...after, ...secrets],
    });
    createObject(`${name}-ingressroute`, argocdIngressRoute(args.input), { parent: this, dependsOn: [...after, this.chart] });
    // "no matches for kind Application in version argoproj.io/v1alpha1" until the chart's CRDs exist.
    const project = createObject(`${name}-project`, argocdProject(args.input, args.workloads), {
      parent: this,
      dependsOn: [this.chart],
    });
    for (const spec of args.workloads) {
      createObject(`${name}-app-${spec.name}`, argocdApplication(spec, args.input), { parent: this, dependsOn: [project] });
    }
    this.registerOutputs({});
  }
}
