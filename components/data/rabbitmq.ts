import * as pulumi from "@pulumi/pulumi";
import { STORAGE_CLASS } from "../cluster/storage";
import { VOLUMES } from "../cluster/storage-table";
import { createObject } from "../lib/create";
import type { KubeObject } from "../lib/kube";
import { DATA_SERVICES, NAMESPACES, namespaceSelector, SCRAPER_PEER } from "../lib/names";
import { pinnedChart, protectCustomResourceDefinitions, rabbitmqOperators } from "../platform/charts";
import {
  createCredentialCopy,
  dataLabels,
  readyAnnotations,
  sized,
  type CredentialCopy,
  type DataContext,
  type Peer,
} from "./common";
import { objectName, type BrokerExchange, type BrokerUser, type DataPlan } from "./plan";

const TYPE = "faf:data:RabbitMQ";
export const RABBITMQ_API = "rabbitmq.com/v1beta1";
/** The broker's resources on FAF's host and on a laptop (the laptop budget counts the latter). */
export const RABBITMQ_RESOURCES = {
  production: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
  laptop: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "1Gi" } },
};
/** The official image at the version the cluster operator v2.22 deploys by default; never Bitnami. */
export const RABBITMQ_IMAGE = "docker.io/library/rabbitmq:4.3.4-management";
/** Where the operators' release manifests install themselves. */
export const OPERATOR_NAMESPACE = "rabbitmq-system";
const NAME = DATA_SERVICES.rabbitmq.service;
const NAMESPACE = DATA_SERVICES.rabbitmq.namespace;
const CLUSTER_REF = { name: NAME };
export const MANAGEMENT_PORT = 15672;
export const PROMETHEUS_PORT = 15692;
/** Since topology operator 1.20, user-provided credential Secrets must carry this label. */
export const TOPOLOGY_LABEL = { "rabbitmq.com/topology-operator": "true" };

const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };

/** The broker: one node on FAF's `rabbitmq` volume. Pure. */
export function rabbitmqCluster(context: DataContext): KubeObject {
  return {
    apiVersion: RABBITMQ_API,
    kind: "RabbitmqCluster",
    metadata: {
      name: NAME,
      namespace: NAMESPACE,
      labels: dataLabels(NAME, "broker"),
      annotations: { "pulumi.com/waitFor": "condition=AllReplicasReady", "pulumi.com/timeoutSeconds": "900" },
    },
    spec: {
      replicas: 1,
      image: RABBITMQ_IMAGE,
      // The claim `persistence-rabbitmq-server-0` exists first, bound to the `rabbitmq` volume.
      persistence: { storageClassName: STORAGE_CLASS, storage: VOLUMES.rabbitmq.size },
      resources: sized(context.environment, RABBITMQ_RESOURCES.production, RABBITMQ_RESOURCES.laptop),
      rabbitmq: { additionalPlugins: ["rabbitmq_management", "rabbitmq_prometheus"] },
      service: { type: "ClusterIP" },
      terminationGracePeriodSeconds: 120,
      // faf-apps enforces the restricted Pod Security level: the operator's pod gets the fields
      // it does not set itself (seccomp, no privilege escalation, no capabilities).
      override: {
        statefulSet: {
          spec: {
            template: {
              spec: {
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                containers: [{ name: "rabbitmq", securityContext: RESTRICTED_CONTAINER }],
                initContainers: [{ name: "setup-container", securityContext: RESTRICTED_CONTAINER }],
              },
            },
          },
        },
      },
    },
  };
}

/** A vhost; deleting the object never deletes its queues (`deletionPolicy: retain`). */
export function rabbitmqVhost(vhost: string): KubeObject {
  return {
    apiVersion: RABBITMQ_API,
    kind: "Vhost",
    metadata: {
      name: objectName("vhost", vhost),
      namespace: NAMESPACE,
      labels: dataLabels(NAME, "vhost"),
      annotations: readyAnnotations(),
    },
    spec: { name: vhost, rabbitmqClusterReference: CLUSTER_REF, deletionPolicy: "retain" },
  };
}

export function rabbitmqExchange(exchange: BrokerExchange): KubeObject {
  return {
    apiVersion: RABBITMQ_API,
    kind: "Exchange",
    metadata: {
      name: objectName("exchange", exchange.name),
      namespace: NAMESPACE,
      labels: dataLabels(NAME, "exchange"),
      annotations: { ...readyAnnotations(), "faforever.com/declared-by": exchange.declaredBy.join(",") },
    },
    spec: {
      name: exchange.name,
      vhost: exchange.vhost,
      type: exchange.type,
      durable: true,
      autoDelete: false,
      rabbitmqClusterReference: CLUSTER_REF,
    },
  };
}

/** The credentials Secret of a broker user: username, and the password from the app's own key. */
export function rabbitmqCredentials(user: BrokerUser): CredentialCopy {
  return {
    name: objectName("rabbitmq-user", user.user),
    namespace: NAMESPACE,
    username: user.user,
    password: user.password,
    labels: { ...dataLabels(NAME, "user"), ...TOPOLOGY_LABEL },
  };
}

/** A broker user and its permission on its vhost (configure, read, write: everything, as FAF grants today). */
export function rabbitmqUserObjects(user: BrokerUser): { user: KubeObject; permission: KubeObject } {
  const name = objectName("rabbitmq-user", user.user);
  return {
    user: {
      apiVersion: RABBITMQ_API,
      kind: "User",
      metadata: { name, namespace: NAMESPACE, labels: dataLabels(NAME, "user"), annotations: readyAnnotations() },
      spec: {
        tags: [],
        importCredentialsSecret: { name: rabbitmqCredentials(user).name },
        rabbitmqClusterReference: CLUSTER_REF,
      },
    },
    permission: {
      apiVersion: RABBITMQ_API,
      kind: "Permission",
      metadata: {
        name: objectName("rabbitmq-permission", user.user, user.vhost),
        namespace: NAMESPACE,
        labels: dataLabels(NAME, "permission"),
        annotations: readyAnnotations(),
      },
      spec: {
        vhost: user.vhost,
        userReference: { name },
        permissions: { configure: ".*", read: ".*", write: ".*" },
        rabbitmqClusterReference: CLUSTER_REF,
      },
    },
  };
}

/** FAF's admin user (gitops-stack `apps/rabbitmq`, `default_user`), for people: the management UI and `rabbitmqadmin`. */
export const ADMIN_USER = "faf-admin";
/** FAF's key for its password: `ADMIN_PASSWORD` in the secret store folder `/rabbitmq` (generated on a laptop). */
export const ADMIN_PASSWORD_KEY = "ADMIN_PASSWORD";
/** The vhost RabbitMQ creates itself, where FAF's admin had its default permissions. */
const DEFAULT_VHOST = "/";

/**
 * FAF's `faf-admin`: an `administrator` with every permission on the default vhost and on each
 * vhost the apps use, as FAF's admin had (default permissions on `/`, and the creator's on the
 * vhosts its jobs declared). A managed User next to the operator's own default user, which the
 * topology operator keeps using: a password rotated in the secret store reaches RabbitMQ, and
 * the operator's credentials never depend on it. Pure.
 */
export function rabbitmqAdminObjects(vhosts: readonly string[]): {
  credentials: CredentialCopy;
  user: KubeObject;
  permissions: KubeObject[];
} {
  const name = objectName("rabbitmq-user", ADMIN_USER);
  const password = { workload: NAME, namespace: NAMESPACE, key: ADMIN_PASSWORD_KEY };
  return {
    credentials: {
      name,
      namespace: NAMESPACE,
      username: ADMIN_USER,
      password,
      labels: { ...dataLabels(NAME, "user"), ...TOPOLOGY_LABEL },
    },
    user: {
      apiVersion: RABBITMQ_API,
      kind: "User",
      metadata: { name, namespace: NAMESPACE, labels: dataLabels(NAME, "user"), annotations: readyAnnotations() },
      spec: { tags: ["administrator"], importCredentialsSecret: { name }, rabbitmqClusterReference: CLUSTER_REF },
    },
    permissions: [DEFAULT_VHOST, ...vhosts].map((vhost) => ({
      apiVersion: RABBITMQ_API,
      kind: "Permission",
      metadata: {
        name: objectName("rabbitmq-permission", ADMIN_USER, vhost === DEFAULT_VHOST ? "default" : vhost),
        namespace: NAMESPACE,
        labels: dataLabels(NAME, "permission"),
        annotations: readyAnnotations(),
      },
      spec: {
        vhost,
        userReference: { name },
        permissions: { configure: ".*", read: ".*", write: ".*" },
        rabbitmqClusterReference: CLUSTER_REF,
      },
    })),
  };
}

/**
 * AMQP from the workloads that declared a broker user, the management API from the topology
 * operator, metrics from the scraper. Nothing out but DNS (faf-apps' allow-dns policy).
 */
export function rabbitmqPolicy(clients: Peer[]): KubeObject {
  const tcp = (port: number) => ({ protocol: "TCP", port });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: NAME, namespace: NAMESPACE, labels: dataLabels(NAME, "network") },
    spec: {
      podSelector: { matchLabels: { "app.kubernetes.io/name": NAME } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        ...(clients.length > 0
          ? [
              {
                from: clients.map((c) => ({
                  namespaceSelector: namespaceSelector(c.namespace),
                  podSelector: c.labels ? { matchLabels: c.labels } : {},
                })),
                ports: [tcp(DATA_SERVICES.rabbitmq.port)],
              },
            ]
          : []),
        { from: [{ namespaceSelector: namespaceSelector(OPERATOR_NAMESPACE) }], ports: [tcp(MANAGEMENT_PORT)] },
        { from: [SCRAPER_PEER], ports: [tcp(PROMETHEUS_PORT)] },
      ],
      egress: [],
    },
  };
}

export interface RabbitMQArgs {
  plan: DataPlan["rabbitmq"];
  context: DataContext;
  clients: Peer[];
  after: pulumi.Resource[];
  /** The claim of the broker's volume: only the cluster waits for it. */
  claims: pulumi.Resource[];
}

/**
 * RabbitMQ through the cluster operator and the messaging topology operator (whose webhook
 * certificate cert-manager issues): the broker, the vhosts, every user with its permission, and
 * the exchanges the apps publish to.
 */
export class RabbitMQ extends pulumi.ComponentResource {
  /** The User and Permission each broker user needs, by user name. */
  readonly userReady: ReadonlyMap<string, pulumi.Resource[]>;

  constructor(name: string, args: RabbitMQArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const { context, plan } = args;
    const certManager = pinnedChart(
      `${name}-cert-manager`,
      "certManager",
      NAMESPACES.ops,
      // Chart v4 runs no Helm hooks: the post-install API check would never run anyway.
      { crds: { enabled: true, keep: true }, startupapicheck: { enabled: false } },
      { parent: this, dependsOn: args.after },
    );
    // Both operators, then the topology operator's webhook certificate from cert-manager.
    // Their CRDs are protected in prod like the cluster object: removing one would delete it.
    const operators = rabbitmqOperators(`${name}-operators`, {
      parent: this,
      dependsOn: [...args.after, certManager],
      ...(context.protect ? { transforms: [protectCustomResourceDefinitions] } : {}),
    });
    const data = { protect: context.protect, retainOnDelete: context.protect };
    const cluster = createObject(`${name}-cluster`, rabbitmqCluster(context), {
      parent: this,
      dependsOn: [...args.after, ...args.claims, operators],
      ...data,
    });
    createObject(`${name}-policy`, rabbitmqPolicy(args.clients), { parent: this, dependsOn: args.after });
    const topology = [cluster, operators];
    const vhosts = new Map<string, pulumi.Resource>();
    for (const vhost of plan.vhosts) {
      const object = rabbitmqVhost(vhost);
      vhosts.set(vhost, createObject(`${name}-${object.metadata.name}`, object, { parent: this, dependsOn: topology }));
    }
    for (const exchange of plan.exchanges) {
      const object = rabbitmqExchange(exchange);
      const vhost = vhosts.get(exchange.vhost);
      createObject(`${name}-${object.metadata.name}`, object, {
        parent: this,
        dependsOn: [...topology, ...(vhost ? [vhost] : [])],
      });
    }
    const userReady = new Map<string, pulumi.Resource[]>();
    for (const user of plan.users) {
      const credentials = createCredentialCopy(`${name}-credentials-${user.user}`, rabbitmqCredentials(user), context, {
        parent: this,
        dependsOn: args.after,
      });
      const objects = rabbitmqUserObjects(user);
      const created = createObject(`${name}-${objects.user.metadata.name}`, objects.user, {
        parent: this,
        dependsOn: [...topology, credentials],
      });
      const vhost = vhosts.get(user.vhost);
      const permission = createObject(`${name}-${objects.permission.metadata.name}`, objects.permission, {
        parent: this,
        dependsOn: [created, ...(vhost ? [vhost] : [])],
      });
      userReady.set(user.user, [created, permission]);
    }
    const admin = rabbitmqAdminObjects(plan.vhosts);
    const adminCredentials = createCredentialCopy(`${name}-credentials-${ADMIN_USER}`, admin.credentials, context, {
      parent: this,
      dependsOn: args.after,
    });
    const adminUser = createObject(`${name}-${admin.user.metadata.name}`, admin.user, {
      parent: this,
      dependsOn: [...topology, adminCredentials],
    });
    for (const permission of admin.permissions) {
      const vhost = vhosts.get(String((permission.spec as { vhost: string }).vhost));
      createObject(`${name}-${permission.metadata.name}`, permission, {
        parent: this,
        dependsOn: [adminUser, ...(vhost ? [vhost] : [])],
      });
    }
    this.userReady = userReady;
    this.registerOutputs({});
  }
}
