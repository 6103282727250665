import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GeneratedPasswords } from "../apps/generated-secret";
import type { Environment } from "../config/schema";
import type { KubeObject } from "../lib/kube";
import { PART_OF, DATA_SERVICES, NAMESPACES, namespaceSelector, type DataServiceName } from "../lib/names";
import { INFISICAL_API, REFRESH_INTERVAL, type SecretSource } from "../platform/secret-sync";
import type { PasswordRef } from "./plan";

/** What every data service needs to know about the stack. */
export interface DataContext {
  environment: Environment;
  /** Protected and retained on delete (prod, test): real data. */
  protect: boolean;
  backups: { schedule: string; retentionDays: number };
  secretSource: SecretSource;
  /** Where no secret store is used: the stack's generated passwords, shared with the workloads. */
  passwords: GeneratedPasswords | undefined;
}

/** Labels of a data service's objects; `app.kubernetes.io/name` is what workload egress selects. */
export function dataLabels(service: string, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": service,
    "app.kubernetes.io/instance": service,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/**
 * Makes `pulumi up` wait until the operator reports the object Ready (pulumi-kubernetes'
 * `pulumi.com/waitFor`), so whatever depends on a database user starts after it exists.
 */
export function readyAnnotations(timeoutSeconds = 600): Record<string, string> {
  return { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": String(timeoutSeconds) };
}

/** Where a copy of a password says it comes from (read by the test that every key is declared). */
export const PASSWORD_FROM = "faforever.com/password-from";

/**
 * The stable name: `<service>` in faf-apps, whatever namespace the service runs in, as FAF's
 * apps reach it today (gitops-stack `apps/faf-mariadb`).
 */
export function stableName(service: DataServiceName): KubeObject | undefined {
  const { namespace, service: name, port } = DATA_SERVICES[service];
  if (namespace === NAMESPACES.apps) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: NAMESPACES.apps, labels: dataLabels(name, "stable-name") },
    spec: { type: "ExternalName", externalName: `${name}.${namespace}.svc.cluster.local`, ports: [{ name: "main", port }] },
  };
}

export interface Peer {
  namespace: string;
  /** Pod labels; omitted: every pod of the namespace. */
  labels?: Record<string, string>;
}

/**
 * The data service's NetworkPolicy: `port` from the workloads that declared it, from its
 * operator and from its own namespace (backup and setup jobs); nothing out but DNS (the
 * namespace's allow-dns policy) and its own namespace.
 */
export function dataServicePolicy(service: DataServiceName, ports: number[], peers: Peer[]): KubeObject {
  const { namespace } = DATA_SERVICES[service];
  const from = [
    { namespaceSelector: namespaceSelector(namespace), podSelector: {} },
    ...peers
      .filter((p) => p.namespace !== namespace || p.labels)
      .map((p) => ({
        namespaceSelector: namespaceSelector(p.namespace),
        podSelector: p.labels ? { matchLabels: p.labels } : {},
      })),
  ];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: service, namespace, labels: dataLabels(service, "network") },
    spec: {
      podSelector: { matchLabels: { "app.kubernetes.io/name": DATA_SERVICES[service].service } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from, ports: ports.map((port) => ({ protocol: "TCP", port })) }],
      egress: [{ to: [{ namespaceSelector: namespaceSelector(namespace), podSelector: {} }] }],
    },
  };
}

/**
 * The sync of a data service's own Secret (root password) from the secret store folder
 * `/<name>`, FAF's layout. Pure; only for the Infisical source.
 */
export function serviceSecretSync(
  name: string,
  namespace: string,
  source: Extract<SecretSource, { kind: "infisical" }>,
  labels: Record<string, string>,
): KubeObject {
  return {
    apiVersion: INFISICAL_API,
    kind: "InfisicalStaticSecret",
    metadata: { name, namespace, labels },
    spec: {
      infisicalAuthRef: source.authRef,
      syncOptions: { refreshInterval: REFRESH_INTERVAL, instantUpdates: false },
      sources: [{ projectSlug: source.projectSlug, environmentSlug: source.environment, secretPath: `/${name}` }],
      targets: [{ kind: "Secret", name, namespace, creationPolicy: "Owner" }],
    },
  };
}

/**
 * A Secret in the data service's namespace with a user's `username` and `password`, the
 * password copied from the app's own key (one source of truth). With Infisical the operator
 * renders it from the app's folder; on a laptop it reads the same generated value.
 */
export interface CredentialCopy {
  name: string;
  namespace: string;
  username: string;
  password: PasswordRef;
  labels: Record<string, string>;
}

/** The Infisical form of a credential copy. Pure. */
export function credentialSync(copy: CredentialCopy, source: Extract<SecretSource, { kind: "infisical" }>): KubeObject {
  return {
    apiVersion: INFISICAL_API,
    kind: "InfisicalStaticSecret",
    metadata: {
      name: copy.name,
      namespace: copy.namespace,
      labels: copy.labels,
      annotations: { [PASSWORD_FROM]: `${copy.password.workload}/${copy.password.key}` },
    },
    spec: {
      infisicalAuthRef: source.authRef,
      syncOptions: { refreshInterval: REFRESH_INTERVAL, instantUpdates: false },
      sources: [
        { projectSlug: source.projectSlug, environmentSlug: source.environment, secretPath: `/${copy.password.workload}` },
      ],
      targets: [
        {
          kind: "Secret",
          name: copy.name,
          namespace: copy.namespace,
          creationPolicy: "Owner",
          metadata: { labels: copy.labels, annotations: { [PASSWORD_FROM]: `${copy.password.workload}/${copy.password.key}` } },
          template: {
            engineVersion: "v1",
            data: { username: copy.username, password: `{{ .${copy.password.key}.Value }}` },
          },
        },
      ],
    },
  };
}

/** Creates a credential copy: an Infisical sync, or a Secret holding the generated password. */
export function createCredentialCopy(
  name: string,
  copy: CredentialCopy,
  context: DataContext,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  if (context.secretSource.kind === "infisical") {
    return new k8s.apiextensions.CustomResource(name, credentialSync(copy, context.secretSource), opts);
  }
  if (!context.passwords) throw new Error(`${name}: generated secrets need the stack's generated passwords`);
  return new k8s.core.v1.Secret(
    name,
    {
      metadata: {
        name: copy.name,
        namespace: copy.namespace,
        labels: copy.labels,
        annotations: { [PASSWORD_FROM]: `${copy.password.workload}/${copy.password.key}` },
      },
      type: "Opaque",
      stringData: {
        username: copy.username,
        password: pulumi.secret(context.passwords.password(copy.password.workload, copy.password.key)),
      },
    },
    opts,
  );
}

/** Creates a data service's own Secret: synced from `/<name>`, or generated keys. */
export function createServiceSecret(
  name: string,
  secret: { name: string; namespace: string; keys: string[]; labels: Record<string, string> },
  context: DataContext,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  if (context.secretSource.kind === "infisical") {
    return new k8s.apiextensions.CustomResource(
      name,
      serviceSecretSync(secret.name, secret.namespace, context.secretSource, secret.labels),
      opts,
    );
  }
  const passwords = context.passwords;
  if (!passwords) throw new Error(`${name}: generated secrets need the stack's generated passwords`);
  return new k8s.core.v1.Secret(
    name,
    {
      metadata: { name: secret.name, namespace: secret.namespace, labels: secret.labels },
      type: "Opaque",
      stringData: Object.fromEntries(secret.keys.map((key) => [key, pulumi.secret(passwords.password(secret.name, key))])),
    },
    opts,
  );
}

/** Resources sized for the environment: FAF's production values, or a laptop's. */
export function sized<T>(environment: Environment, production: T, laptop: T): T {
  return environment === "local" ? laptop : production;
}
