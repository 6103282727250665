import * as pulumi from "@pulumi/pulumi";
import type { GeneratedPasswords } from "../apps/generated-secret";
import type { RenderContext } from "../apps/render";
import type { WorkloadSpec } from "../apps/spec";
import { createObject } from "../lib/create";
import type { KubeObject } from "../lib/kube";
import { selectorLabels } from "../lib/labels";
import { DATA_SERVICES, NAMESPACES, namespaceSelector, workloadNamespace, type DataServiceName } from "../lib/names";
import { expectedSecrets, type ExpectedSecrets } from "../platform/secret-sync";
import { dataLabels, type DataContext, type Peer } from "./common";
import { contentHash } from "../lib/hash";
import { CHARTS, MANIFESTS } from "../platform/charts";
import { MARIADB_IMAGE, MARIADB_WEBHOOK_PORT, MariaDB, ROOT_PASSWORD_KEY, mariadbRestore } from "./mariadb";
import { MONGODB_IMAGE, mongodbBackupJob, mongodbRestoreJob, mongodbSpec, mongodbUserJob } from "./mongodb";
import { dataPlan, type DataPlan } from "./plan";
import {
  PGAUTOUPGRADE_IMAGE,
  POSTGRES_IMAGE,
  postgresBackupJob,
  postgresRestoreJob,
  postgresSpec,
  postgresUserJob,
} from "./postgres";
import { ADMIN_PASSWORD_KEY, ADMIN_USER, RABBITMQ_IMAGE, RabbitMQ } from "./rabbitmq";
import { StatefulDataService, statefulDataObjects, type EngineDefinition } from "./server";

const TYPE = "faf:data:DataServices";

export const POSTGRES: EngineDefinition = {
  service: "postgres",
  spec: postgresSpec,
  userJob: postgresUserJob,
  backupJob: postgresBackupJob,
  restoreJob: postgresRestoreJob,
};
export const MONGODB: EngineDefinition = {
  service: "mongodb",
  spec: mongodbSpec,
  userJob: mongodbUserJob,
  backupJob: mongodbBackupJob,
  restoreJob: mongodbRestoreJob,
};

/** cert-manager's webhook port (its chart's `webhook.securePort`). */
export const CERT_MANAGER_WEBHOOK_PORT = 10250;

/**
 * faf-ops holds operators (Infisical, mariadb-operator, cert-manager): they talk to the
 * Kubernetes API (the `kubernetes` Service on 443, the k3s server on 6443) and to HTTPS
 * services (Infisical), the mariadb-operator to MariaDB, and the API server calls their
 * webhooks. Admitted for the namespace's pods, since each chart labels its pods differently.
 */
export function operatorPolicy(): KubeObject {
  const tcp = (port: number) => ({ protocol: "TCP", port });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "operators", namespace: NAMESPACES.ops, labels: dataLabels("operators", "network") },
    spec: {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ ports: [tcp(MARIADB_WEBHOOK_PORT), tcp(CERT_MANAGER_WEBHOOK_PORT)] }],
      egress: [
        { ports: [tcp(443), tcp(6443)] },
        {
          to: [
            {
              namespaceSelector: namespaceSelector(DATA_SERVICES.mariadb.namespace),
              podSelector: { matchLabels: { "app.kubernetes.io/name": "mariadb" } },
            },
          ],
          ports: [tcp(DATA_SERVICES.mariadb.port)],
        },
      ],
    },
  };
}

/** The selected workloads that connect to `service` (a database on it, or a broker user). */
function usersOf(workloads: readonly WorkloadSpec[], service: DataServiceName): WorkloadSpec[] {
  return workloads.filter((spec) =>
    service === "rabbitmq" ? spec.broker !== undefined : (spec.databases ?? []).some((db) => db.engine === service),
  );
}

/** The workloads that connect to `service`, as policy peers. */
function clientsOf(workloads: readonly WorkloadSpec[], service: DataServiceName): Peer[] {
  return usersOf(workloads, service).map((spec) => ({ namespace: workloadNamespace(spec), labels: selectorLabels(spec.name) }));
}

/** The volumes whose datasets the host snapshots before a data-service change. */
export const SNAPSHOT_VOLUMES = ["mariadb", "postgres", "mongodb", "rabbitmq"] as const;

/**
 * A hash of everything that defines the data services (users, grants, images, operator
 * versions, sizing): when it changes, `pulumi up` is about to change a data service. Pure.
 */
export function dataGeneration(workloads: readonly WorkloadSpec[], environment: "prod" | "test" | "local"): string {
  return contentHash({
    plan: dataPlan(workloads),
    environment,
    // The upgrade step rewrites PostgreSQL's data directory: a new one is a data change too.
    images: [MARIADB_IMAGE, RABBITMQ_IMAGE, POSTGRES_IMAGE, PGAUTOUPGRADE_IMAGE, MONGODB_IMAGE],
    charts: [CHARTS.mariadbOperatorCrds, CHARTS.mariadbOperator, CHARTS.certManager, MANIFESTS],
  });
}

/** The secret store folders the data services read (their root passwords), for `npm run secrets:check`. Pure. */
export function dataSecretFolders(services: readonly DataServiceName[]): ExpectedSecrets[] {
  return [
    ...(services.includes("mariadb") ? [{ path: "/mariadb", keys: [ROOT_PASSWORD_KEY], reader: "mariadb (root password)" }] : []),
    ...(services.includes("rabbitmq")
      ? [{ path: "/rabbitmq", keys: [ADMIN_PASSWORD_KEY], reader: `rabbitmq (${ADMIN_USER}, the admin user)` }]
      : []),
    ...expectedSecrets(
      [POSTGRES, MONGODB].filter((d) => services.includes(d.service)).map((d) => d.spec),
      false,
    ),
  ];
}

/** What an admin applies to restore each engine's newest dump (docs/runbooks/restore-a-database.md). Pure. */
export function restoreObjects(
  plan: DataPlan,
  context: DataContext,
  services: readonly DataServiceName[],
): Record<string, KubeObject> {
  const restore: Record<string, KubeObject> = {};
  if (services.includes("mariadb")) restore.mariadb = mariadbRestore();
  if (services.includes("postgres")) restore.postgres = statefulDataObjects(POSTGRES, plan.postgres, context).restore;
  if (services.includes("mongodb")) restore.mongodb = statefulDataObjects(MONGODB, plan.mongodb, context).restore;
  return restore;
}

export interface DataServicesArgs {
  /** The selected workloads: the data layer declares what they need, and nothing else. */
  workloads: readonly WorkloadSpec[];
  services: readonly DataServiceName[];
  context: DataContext;
  /** The render context of a server in faf-infra (PostgreSQL, MongoDB), without callers. */
  render: Omit<RenderContext, "callers" | "required">;
  passwords: GeneratedPasswords | undefined;
  /** Namespaces, the secret store and its syncs, a host snapshot. */
  after: pulumi.Resource[];
  /** The claims of the data volumes, by volume key. */
  claims: Readonly<Record<string, pulumi.Resource>>;
}

/** MariaDB, RabbitMQ, PostgreSQL and MongoDB: those the selected workloads need, each ready for them. */
export class DataServices extends pulumi.ComponentResource {
  readonly plan: DataPlan;
  private readonly ready = new Map<string, pulumi.Resource[]>();

  constructor(name: string, args: DataServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const plan = dataPlan(args.workloads);
    this.plan = plan;
    const { context } = args;
    const claims = (...keys: string[]) => keys.flatMap((key) => (args.claims[key] ? [args.claims[key]] : []));
    const wants = (service: DataServiceName) => args.services.includes(service);
    const operators = createObject(`${name}-operators-policy`, operatorPolicy(), { parent: this, dependsOn: args.after });
    const keep = (service: string, users: ReadonlyMap<string, pulumi.Resource[]>) => {
      for (const [user, resources] of users) this.ready.set(`${service}/${user}`, resources);
    };

    if (wants("mariadb")) {
      const mariadb = new MariaDB(
        `${name}-mariadb`,
        {
          plan: plan.mariadb,
          context,
          clients: clientsOf(args.workloads, "mariadb"),
          after: [...args.after, operators],
          claims: claims("mariadb", "backups-mariadb"),
        },
        { parent: this },
      );
      keep("mariadb", mariadb.userReady);
    }
    if (wants("rabbitmq")) {
      const rabbitmq = new RabbitMQ(
        `${name}-rabbitmq`,
        {
          plan: plan.rabbitmq,
          context,
          clients: clientsOf(args.workloads, "rabbitmq"),
          after: [...args.after, operators],
          claims: claims("rabbitmq"),
        },
        { parent: this },
      );
      keep("rabbitmq", rabbitmq.userReady);
    }
    for (const definition of [POSTGRES, MONGODB]) {
      if (!wants(definition.service)) continue;
      const callers = usersOf(args.workloads, definition.service);
      const server = new StatefulDataService(
        `${name}-${definition.service}`,
        {
          definition,
          plan: plan[definition.service],
          context,
          render: { ...args.render, callers, required: [] },
          passwords: args.passwords,
          after: [...args.after, ...claims(definition.service, `backups-${definition.service}`)],
        },
        { parent: this },
      );
      keep(definition.service, server.userReady);
    }
    this.registerOutputs({});
  }

  /** What a workload's jobs and pods wait for: each of its database users and its broker user. */
  readyFor(spec: WorkloadSpec): pulumi.Resource[] {
    return [
      ...(spec.databases ?? []).flatMap((db) => this.ready.get(`${db.engine}/${db.user}`) ?? []),
      ...(spec.broker ? (this.ready.get(`rabbitmq/${spec.broker.user}`) ?? []) : []),
    ].filter((resource, index, all) => all.indexOf(resource) === index);
  }
}
