import * as pulumi from "@pulumi/pulumi";
import type { GeneratedPasswords } from "../apps/generated-secret";
import type { RenderContext } from "../apps/render";
import type { WorkloadSpec } from "../apps/spec";
import { Workload } from "../apps/workload";
import { createObject } from "../lib/create";
import type { KubeObject } from "../lib/kube";
import type { DataServiceName } from "../lib/names";
import { createCredentialCopy, dataLabels, stableName, type DataContext } from "./common";
import { dataCronJob, dataJob, type DataJob } from "./jobs";
import { objectName, type DatabaseUser, type EnginePlan } from "./plan";

const TYPE = "faf:data:StatefulDataService";

/** The official database images' user (postgres, mongodb): the servers and their jobs run as it. */
export const DATABASE_UID = 999;

/**
 * What PostgreSQL and MongoDB share as servers: faf-infra, one StatefulSet pod that never runs
 * twice on its data directory, time to flush on shutdown, the image's own user.
 */
export const DATABASE_SERVER = {
  namespace: "infra",
  controller: "StatefulSet",
  resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "2Gi" } },
  rollout: "recreate",
  terminationGracePeriodSeconds: 120,
  security: { runAsUser: DATABASE_UID, fsGroup: DATABASE_UID },
} as const satisfies Partial<WorkloadSpec>;

/** How one engine without an operator is run: its server spec and its jobs. */
export interface EngineDefinition {
  service: Exclude<DataServiceName, "mariadb" | "rabbitmq">;
  spec: WorkloadSpec;
  userJob(user: DatabaseUser, credentials: string): DataJob;
  backupJob(context: DataContext): DataJob;
  restoreJob(): DataJob;
}

/** The Secret in the data service's namespace holding a user's credentials (copied from the app's key). */
export function credentialsName(service: string, user: string): string {
  return objectName(service, "user", user);
}

/** Every object of an engine without an operator, in the order they must exist. Pure. */
export function statefulDataObjects(
  definition: EngineDefinition,
  plan: EnginePlan,
  context: DataContext,
): { users: { user: DatabaseUser; credentials: string; job: KubeObject }[]; backup: KubeObject; restore: KubeObject } {
  return {
    users: plan.users.map((user) => {
      const credentials = credentialsName(definition.service, user.user);
      return { user, credentials, job: dataJob(definition.userJob(user, credentials)) };
    }),
    backup: dataCronJob(definition.backupJob(context), context.backups.schedule),
    restore: dataJob(definition.restoreJob(), 6 * 3600, 7 * 86400),
  };
}

export interface StatefulDataServiceArgs {
  definition: EngineDefinition;
  plan: EnginePlan;
  context: DataContext;
  /** The server's render context; `callers` are the workloads that connect to it. */
  render: RenderContext;
  passwords: GeneratedPasswords | undefined;
  after: pulumi.Resource[];
}

/**
 * PostgreSQL or MongoDB: the server as a StatefulSet (the workload renderer, so it gets the same
 * probes, policies and hardening as every FAF workload), a setup job per user, a nightly backup
 * CronJob, and the stable name in faf-apps.
 */
export class StatefulDataService extends pulumi.ComponentResource {
  readonly userReady: ReadonlyMap<string, pulumi.Resource[]>;

  constructor(name: string, args: StatefulDataServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const { definition, context } = args;
    const server = new Workload(
      definition.service,
      { spec: definition.spec, context: args.render, after: args.after, passwords: args.passwords },
      // Not protected as a whole: its hashed ConfigMaps must be replaceable. The data is on the
      // protected, retained volume (storage), which outlives the StatefulSet.
      { parent: this },
    );
    const running = server.controller ? [server.controller] : [];
    const stable = stableName(definition.service);
    if (stable) createObject(`${name}-stable-name`, stable, { parent: this, dependsOn: args.after });
    const objects = statefulDataObjects(definition, args.plan, context);
    const userReady = new Map<string, pulumi.Resource[]>();
    for (const { user, credentials, job } of objects.users) {
      const copy = createCredentialCopy(
        `${name}-credentials-${user.user}`,
        {
          name: credentials,
          namespace: String(job.metadata.namespace),
          username: user.user,
          password: user.password,
          labels: dataLabels(definition.service, "user"),
        },
        context,
        { parent: this, dependsOn: args.after },
      );
      const created = createObject(`${name}-user-${user.user}`, job, {
        parent: this,
        dependsOn: [...running, copy],
        customTimeouts: { create: "15m", update: "15m" },
      });
      userReady.set(user.user, [created]);
    }
    createObject(`${name}-backup`, objects.backup, { parent: this, dependsOn: [...args.after, ...running] });
    this.userReady = userReady;
    this.registerOutputs({});
  }
}
