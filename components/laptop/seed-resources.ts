import * as pulumi from "@pulumi/pulumi";
import { createObject } from "../lib/create";
import type { SeedObjects } from "./seed";

const TYPE = "faf:laptop:Seed";

export interface SeedArgs {
  objects: SeedObjects;
  /** The migrations (the schema the SQL writes into). */
  afterDatabase: pulumi.Resource[];
  /** Hydra up (its admin API takes the clients). */
  afterOAuth: pulumi.Resource[];
}

/** The laptop seed: its ConfigMap and Jobs, each after what it writes into (docs/laptop.md). */
export class Seed extends pulumi.ComponentResource {
  constructor(name: string, args: SeedArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const create = (objects: SeedObjects["database"], after: pulumi.Resource[]) => {
      const created: pulumi.Resource[] = [];
      for (const object of objects) {
        // A Job waits for its ConfigMap; Pulumi waits for each Job to complete (10 minutes at most).
        created.push(
          createObject(`${name}-${object.kind.toLowerCase()}-${object.metadata.name.replace(/-[0-9a-f]{10}$/, "")}`, object, {
            parent: this,
            dependsOn: [...after, ...created],
            ...(object.kind === "Job" ? { customTimeouts: { create: "15m", update: "15m" } } : {}),
          }),
        );
      }
    };
    create(args.objects.database, args.afterDatabase);
    create(args.objects.oauth, args.afterOAuth);
    this.registerOutputs({});
  }
}
