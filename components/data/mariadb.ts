import * as pulumi from "@pulumi/pulumi";
import { STORAGE_CLASS } from "../cluster/storage";
import { VOLUMES, claimName } from "../cluster/storage-table";
import { createObject } from "../lib/create";
import type { KubeObject } from "../lib/kube";
import { DATA_SERVICES, NAMESPACES } from "../lib/names";
import { pinnedChart } from "../platform/charts";
import {
  createServiceSecret,
  dataLabels,
  dataServicePolicy,
  readyAnnotations,
  sized,
  stableName,
  type DataContext,
  type Peer,
} from "./common";
import { objectName, type DatabaseUser, type EnginePlan } from "./plan";

const TYPE = "faf:data:MariaDB";
export const MARIADB_API = "k8s.mariadb.com/v1alpha1";
/** The official image, the version FAF runs (gitops-stack `infra/mariadb`); never Bitnami. */
export const MARIADB_IMAGE = "docker.io/library/mariadb:12.2";
const NAME = DATA_SERVICES.mariadb.service;
const NAMESPACE = DATA_SERVICES.mariadb.namespace;
/** FAF's root password key in its `/mariadb` folder. */
export const ROOT_PASSWORD_KEY = "MARIADB_ROOT_PASSWORD";
const REF = { name: NAME, namespace: NAMESPACE };
/** The operator's webhook port (controller-runtime default), admitted from the API server. */
export const MARIADB_WEBHOOK_PORT = 9443;
/** The server's resources on FAF's host and on a laptop (the laptop budget counts the latter). */
export const MARIADB_RESOURCES = {
  production: { requests: { cpu: "2", memory: "18Gi" }, limits: { memory: "24Gi" } },
  laptop: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "1Gi" } },
};

/**
 * FAF's binary log (gitops-stack `mysqld-custom.cnf`), always on as FAF runs it: row events with
 * full row images (what change capture such as debezium reads), kept 10 days, which also lets an
 * admin replay changes made since the nightly dump. FAF's file name `mysql-bin`, so the log and
 * index already in FAF's data directory carry on and are expired like new ones (docs/decisions/028).
 */
export const BINLOG = {
  log_bin: "mysql-bin",
  binlog_format: "ROW",
  binlog_row_image: "FULL",
  binlog_expire_logs_seconds: String(10 * 24 * 3600),
} as const;

/** FAF's server settings (gitops-stack `mysqld-custom.cnf`), with the buffer pool sized for the environment. */
export function myCnf(environment: DataContext["environment"]): string {
  const lines = [
    "[mariadb]",
    `innodb_buffer_pool_size=${sized(environment, "16G", "256M")}`,
    `innodb_buffer_pool_instances=${sized(environment, "4", "1")}`,
    "innodb_file_per_table=ON",
    "innodb_io_capacity=2000",
    "innodb_io_capacity_max=5000",
    // ZFS already guarantees atomic, checksummed writes.
    "innodb_doublewrite=0",
    "innodb_use_native_aio=0",
    "innodb_use_atomic_writes=0",
    "innodb_flush_neighbors=0",
    "innodb_log_write_ahead_size=16384",
    "userstat=1",
    "event_scheduler=ON",
    "slow_query_log=1",
    "plugin_load_add=query_response_time",
    "query_response_time_stats=ON",
    "server_id=1",
    ...Object.entries(BINLOG).map(([key, value]) => `${key}=${value}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** The server: the official image on FAF's `mariadb` volume, one instance. Pure. */
export function mariadbServer(context: DataContext): KubeObject {
  return {
    apiVersion: MARIADB_API,
    kind: "MariaDB",
    metadata: { name: NAME, namespace: NAMESPACE, labels: dataLabels(NAME, "database"), annotations: readyAnnotations(900) },
    spec: {
      image: MARIADB_IMAGE,
      imagePullPolicy: "IfNotPresent",
      rootPasswordSecretKeyRef: { name: NAME, key: ROOT_PASSWORD_KEY, generate: false },
      port: DATA_SERVICES.mariadb.port,
      replicas: 1,
      // The claim `storage-mariadb-0` exists first, bound to the `mariadb` volume (storage table).
      storage: {
        size: VOLUMES.mariadb.size,
        storageClassName: STORAGE_CLASS,
        resizeInUseVolumes: false,
        pvcRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      },
      // One instance on a ReadWriteOnce volume: the old pod stops before the new one starts,
      // and an operator upgrade never restarts the database on its own.
      updateStrategy: { type: "RollingUpdate", autoUpdateDataPlane: false },
      myCnf: myCnf(context.environment),
      timeZone: "UTC",
      resources: sized(context.environment, MARIADB_RESOURCES.production, MARIADB_RESOURCES.laptop),
      // The official image's mysql user owns FAF's existing data directory.
      podSecurityContext: {
        runAsUser: 999,
        runAsGroup: 999,
        fsGroup: 999,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      },
      securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
      service: { type: "ClusterIP" },
      inheritMetadata: { labels: { "app.kubernetes.io/part-of": "faforever" } },
    },
  };
}

/** A `Database` per database name; never dropped when the object goes (`cleanupPolicy: Skip`). */
export function mariadbDatabases(plan: EnginePlan): KubeObject[] {
  return plan.databases.map((database) => ({
    apiVersion: MARIADB_API,
    kind: "Database",
    metadata: {
      name: objectName(database),
      namespace: NAMESPACE,
      labels: dataLabels(NAME, "database"),
      annotations: readyAnnotations(),
    },
    spec: {
      mariaDbRef: REF,
      name: database,
      characterSet: "utf8mb4",
      collate: "utf8mb4_unicode_ci",
      cleanupPolicy: "Skip",
    },
  }));
}

/**
 * A user's `User` and `Grant`s, in the namespace of the workload that owns it: the password is
 * read straight from the key the app itself reads. Pure.
 */
export function mariadbUserObjects(user: DatabaseUser): { user: KubeObject; grants: KubeObject[] } {
  const namespace = user.password.namespace;
  const labels = dataLabels(NAME, "user");
  const base = objectName("mariadb", user.user);
  const grants: KubeObject[] = user.grants.map((grant) => ({
    apiVersion: MARIADB_API,
    kind: "Grant",
    metadata: { name: objectName(base, grant.database), namespace, labels, annotations: readyAnnotations() },
    spec: {
      mariaDbRef: REF,
      username: user.user,
      host: "%",
      database: grant.database,
      table: "*",
      privileges: grant.privileges,
      grantOption: false,
      cleanupPolicy: "Skip",
    },
  }));
  if (user.serverPrivileges) {
    grants.push({
      apiVersion: MARIADB_API,
      kind: "Grant",
      metadata: {
        name: objectName(base, "server"),
        namespace,
        labels,
        annotations: { ...readyAnnotations(), "faforever.com/reason": user.serverPrivileges.reason },
      },
      spec: {
        mariaDbRef: REF,
        username: user.user,
        host: "%",
        database: "*",
        table: "*",
        privileges: user.serverPrivileges.privileges,
        grantOption: false,
        cleanupPolicy: "Skip",
      },
    });
  }
  return {
    user: {
      apiVersion: MARIADB_API,
      kind: "User",
      metadata: { name: base, namespace, labels, annotations: readyAnnotations() },
      spec: {
        mariaDbRef: REF,
        name: user.user,
        host: "%",
        passwordSecretKeyRef: { name: user.password.workload, key: user.password.key },
        // FAF's services pool their connections; the operator's default of 10 would starve the API.
        maxUserConnections: user.maxUserConnections ?? 0,
        cleanupPolicy: "Skip",
      },
    },
    grants,
  };
}

/** The nightly logical backup into the `backups-mariadb` volume, with retention. Pure. */
export function mariadbBackup(context: DataContext): KubeObject {
  return {
    apiVersion: MARIADB_API,
    kind: "Backup",
    metadata: { name: "mariadb-nightly", namespace: NAMESPACE, labels: dataLabels(NAME, "backup") },
    spec: {
      mariaDbRef: { name: NAME },
      schedule: { cron: context.backups.schedule, suspend: false },
      maxRetention: `${context.backups.retentionDays * 24}h`,
      compression: "gzip",
      storage: { volume: { persistentVolumeClaim: { claimName: claimName("backups-mariadb") } } },
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      backoffLimit: 2,
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
    },
  };
}

/**
 * What an admin applies to restore the newest nightly dump (docs/runbooks/restore-a-database.md).
 * Not applied by the program: a restore overwrites live data. Pure.
 */
export function mariadbRestore(): KubeObject {
  return {
    apiVersion: MARIADB_API,
    kind: "Restore",
    metadata: { name: "mariadb-restore", namespace: NAMESPACE, labels: dataLabels(NAME, "restore") },
    spec: { mariaDbRef: { name: NAME }, backupRef: { name: "mariadb-nightly" }, backoffLimit: 1 },
  };
}

export interface MariaDBArgs {
  plan: EnginePlan;
  context: DataContext;
  /** Workloads' namespaces and pod labels that connect (the policy admits them). */
  clients: Peer[];
  /** Namespaces, the secret store, a host snapshot: what must exist first. */
  after: pulumi.Resource[];
  /** The claims of the data and backup volumes: only the server and its backups wait for them. */
  claims: pulumi.Resource[];
}

/**
 * MariaDB through mariadb-operator: CRDs and operator charts, the server, every database, user
 * and grant the selected workloads declare, the nightly backup, and the stable name in faf-apps.
 */
export class MariaDB extends pulumi.ComponentResource {
  /** The User and Grants each database user needs, by user name: a workload waits for its own. */
  readonly userReady: ReadonlyMap<string, pulumi.Resource[]>;
  readonly server: pulumi.Resource;

  constructor(name: string, args: MariaDBArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const { context, plan } = args;
    const data = { protect: context.protect, retainOnDelete: context.protect };
    // Removing the CRDs would delete every MariaDB object and with it the StatefulSet: the CRDs
    // have their own chart, protected in prod, and outlive the operator.
    const crds = pinnedChart(
      `${name}-crds`,
      "mariadbOperatorCrds",
      NAMESPACES.ops,
      {},
      {
        parent: this,
        dependsOn: args.after,
        ...data,
      },
    );
    const operator = pinnedChart(
      `${name}-operator`,
      "mariadbOperator",
      NAMESPACES.ops,
      // The webhook's port, pinned to the one faf-ops' operator policy admits from the API server.
      { crds: { enabled: false }, webhook: { port: MARIADB_WEBHOOK_PORT } },
      { parent: this, dependsOn: [...args.after, crds] },
    );
    const labels = dataLabels(NAME, "secret");
    const rootSecret = createServiceSecret(
      `${name}-root-secret`,
      { name: NAME, namespace: NAMESPACE, keys: [ROOT_PASSWORD_KEY], labels },
      context,
      { parent: this, dependsOn: args.after },
    );
    const server = createObject(`${name}-server`, mariadbServer(context), {
      parent: this,
      dependsOn: [...args.after, ...args.claims, operator, rootSecret],
      ...data,
    });
    this.server = server;
    const policy = dataServicePolicy("mariadb", [DATA_SERVICES.mariadb.port], [{ namespace: NAMESPACES.ops }, ...args.clients]);
    createObject(`${name}-policy`, policy, { parent: this, dependsOn: args.after });
    const stable = stableName("mariadb");
    if (stable) createObject(`${name}-stable-name`, stable, { parent: this, dependsOn: args.after });

    const databases = new Map<string, pulumi.Resource>();
    for (const object of mariadbDatabases(plan)) {
      const database = String((object.spec as { name: string }).name);
      databases.set(
        database,
        createObject(`${name}-database-${object.metadata.name}`, object, { parent: this, dependsOn: [server], ...data }),
      );
    }
    const userReady = new Map<string, pulumi.Resource[]>();
    for (const user of plan.users) {
      const objects = mariadbUserObjects(user);
      const created = createObject(`${name}-user-${objects.user.metadata.name}`, objects.user, {
        parent: this,
        dependsOn: [server],
      });
      const grants = objects.grants.map((grant) => {
        const database = String((grant.spec as { database: string }).database);
        return createObject(`${name}-grant-${grant.metadata.name}`, grant, {
          parent: this,
          dependsOn: [created, ...(databases.get(database) ? [databases.get(database)!] : [])],
        });
      });
      userReady.set(user.user, [created, ...grants]);
    }
    this.userReady = userReady;
    createObject(`${name}-backup`, mariadbBackup(context), { parent: this, dependsOn: [server] });
    this.registerOutputs({});
  }
}
