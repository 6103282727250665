import type { DatabaseSpec, WorkloadSpec } from "../apps/spec";
import { workloadNamespace, type DataServiceName, type NamespaceName } from "../lib/names";

/**
 * What the data layer must declare, derived from the selected workloads' specs: every database,
 * user, grant and vhost an app needs, with the Secret key the app itself reads for the password.
 * Nothing here is written twice: a new app declares `databases`/`broker` and the data objects
 * follow. Pure.
 */

/** Where a password comes from: a key of a workload's own Secret (named like the workload). */
export interface PasswordRef {
  workload: string;
  namespace: NamespaceName;
  key: string;
}

export interface SqlGrant {
  database: string;
  privileges: string[];
}

/** One database user, owned by one workload. */
export interface DatabaseUser {
  user: string;
  password: PasswordRef;
  /** Databases the user is granted, in the order declared. */
  grants: SqlGrant[];
  /** Grants on `*.*` (MariaDB only), with the reason. */
  serverPrivileges?: { privileges: string[]; reason: string };
  /** MariaDB only; 0 is no limit. */
  maxUserConnections?: number;
}

export interface EnginePlan {
  /** Database names, sorted. */
  databases: string[];
  /** Users, sorted by name. */
  users: DatabaseUser[];
}

export interface BrokerUser {
  user: string;
  vhost: string;
  password: PasswordRef;
}

export interface DataPlan {
  mariadb: EnginePlan;
  postgres: EnginePlan;
  mongodb: EnginePlan;
  rabbitmq: { vhosts: string[]; users: BrokerUser[]; exchanges: BrokerExchange[] };
}

export interface BrokerExchange {
  vhost: string;
  name: string;
  type: string;
  /** The workloads that declared it. */
  declaredBy: string[];
}

export const DEFAULT_PRIVILEGES = ["ALL PRIVILEGES"];

type SqlEngine = Exclude<DataServiceName, "rabbitmq">;

/**
 * Builds the plan. Throws, naming both declarations, when two workloads claim the same user or
 * one user is declared with two password keys (a user has one password), or when a password key
 * is not one of the workload's secret keys.
 */
export function dataPlan(workloads: readonly WorkloadSpec[]): DataPlan {
  const users: Record<SqlEngine, Map<string, DatabaseUser>> = { mariadb: new Map(), postgres: new Map(), mongodb: new Map() };
  const broker = new Map<string, BrokerUser>();
  const exchanges = new Map<string, BrokerExchange>();

  const passwordOf = (spec: WorkloadSpec, key: string, where: string): PasswordRef => {
    if (!(spec.secrets?.keys ?? []).includes(key)) {
      throw new Error(`${where}: password key "${key}" is not one of ${spec.name}'s secret keys; declare it in secrets.keys`);
    }
    return { workload: spec.name, namespace: workloadNamespace(spec), key };
  };
  const sameOwner = (a: PasswordRef, b: PasswordRef, what: string): void => {
    if (a.workload !== b.workload || a.key !== b.key) {
      throw new Error(
        `${what} is declared by ${a.workload} (password key ${a.key}) and by ${b.workload} (password key ${b.key}); ` +
          "a user has one password: let one workload own it, or read the same key (secrets.aliases)",
      );
    }
  };

  for (const spec of workloads) {
    (spec.databases ?? []).forEach((db: DatabaseSpec, i) => {
      const where = `${spec.name}.databases[${i}]`;
      const password = passwordOf(spec, db.passwordKey, where);
      const known = users[db.engine].get(db.user);
      const grant = { database: db.database, privileges: db.privileges ?? DEFAULT_PRIVILEGES };
      if (known) {
        sameOwner(known.password, password, `${db.engine} user "${db.user}"`);
        if (!known.grants.some((g) => g.database === db.database)) known.grants.push(grant);
        if (db.serverPrivileges) known.serverPrivileges = db.serverPrivileges;
        if (db.maxUserConnections !== undefined) known.maxUserConnections = db.maxUserConnections;
      } else {
        users[db.engine].set(db.user, {
          user: db.user,
          password,
          grants: [grant],
          ...(db.serverPrivileges ? { serverPrivileges: db.serverPrivileges } : {}),
          ...(db.maxUserConnections !== undefined ? { maxUserConnections: db.maxUserConnections } : {}),
        });
      }
      if (db.engine !== "mariadb" && users[db.engine].get(db.user)!.grants.length > 1) {
        throw new Error(`${where}: a ${db.engine} user owns one database; "${db.user}" is declared on two`);
      }
    });
    if (spec.broker) {
      const password = passwordOf(spec, spec.broker.passwordKey, `${spec.name}.broker`);
      const known = broker.get(spec.broker.user);
      if (known) sameOwner(known.password, password, `RabbitMQ user "${spec.broker.user}"`);
      else broker.set(spec.broker.user, { user: spec.broker.user, vhost: spec.broker.vhost, password });
      for (const exchange of spec.broker.exchanges ?? []) {
        const id = `${spec.broker.vhost}/${exchange.name}`;
        const known = exchanges.get(id);
        if (known && known.type !== exchange.type) {
          throw new Error(
            `exchange "${exchange.name}" is declared ${known.type} by ${known.declaredBy.join(", ")} and ${exchange.type} by ${spec.name}`,
          );
        }
        if (known) known.declaredBy.push(spec.name);
        else exchanges.set(id, { vhost: spec.broker.vhost, name: exchange.name, type: exchange.type, declaredBy: [spec.name] });
      }
    }
  }

  const engine = (name: SqlEngine): EnginePlan => {
    const list = [...users[name].values()].sort((a, b) => a.user.localeCompare(b.user));
    return { databases: [...new Set(list.flatMap((u) => u.grants.map((g) => g.database)))].sort(), users: list };
  };
  const brokerUsers = [...broker.values()].sort((a, b) => a.user.localeCompare(b.user));
  return {
    mariadb: engine("mariadb"),
    postgres: engine("postgres"),
    mongodb: engine("mongodb"),
    rabbitmq: {
      vhosts: [...new Set(brokerUsers.map((u) => u.vhost))].sort(),
      users: brokerUsers,
      exchanges: [...exchanges.values()].sort((a, b) => a.name.localeCompare(b.name)),
    },
  };
}

/** Every Secret key a data object reads, as `<workload>/<key>`: the test that each is declared reads this. */
export function passwordKeysRead(plan: DataPlan): string[] {
  const refs = [
    ...plan.mariadb.users.map((u) => u.password),
    ...plan.postgres.users.map((u) => u.password),
    ...plan.mongodb.users.map((u) => u.password),
    ...plan.rabbitmq.users.map((u) => u.password),
  ];
  return [...new Set(refs.map((r) => `${r.workload}/${r.key}`))].sort();
}

/** A DNS-1123 name for an object about a database name or user (`faf_lobby` -> `faf-lobby`). */
export function objectName(...parts: string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}
