import * as pulumi from "@pulumi/pulumi";
import { createObject } from "../lib/create";
import { createGeneratedSecret, type GeneratedPasswords } from "./generated-secret";
import { renderWorkload, templateContext, type RenderContext } from "./render";
import type { WorkloadSpec } from "./spec";

const TYPE = "faf:apps:Workload";

export interface WorkloadArgs {
  spec: WorkloadSpec;
  context: RenderContext;
  /** What must exist first: the namespace, and the workloads this one requires. */
  after?: pulumi.Resource[];
  /** Where no secret store is used: the stack's generated passwords (shared with the data layer). */
  passwords?: GeneratedPasswords;
  /**
   * What the workload's jobs and pods wait for beyond `after`: its database users and grants,
   * the broker user. Its ConfigMaps, Secret and Service do not wait, since the data layer reads
   * the Secret this workload's sync creates.
   */
  runAfter?: pulumi.Resource[];
}

/** Any FAF workload: renders the spec and creates its objects in order. */
export class Workload extends pulumi.ComponentResource {
  /** Every Kubernetes object of the workload, by role. */
  readonly objects: Readonly<Record<string, pulumi.CustomResource>>;
  /** The Deployment or StatefulSet; undefined for a jobs-only workload. */
  readonly controller: pulumi.CustomResource | undefined;
  /** The Secret generated where no secret store is used (a laptop), undefined otherwise. */
  readonly generatedSecret: (pulumi.CustomResource & { values: pulumi.Output<Record<string, string>> }) | undefined;

  constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const rendered = renderWorkload(args.spec, args.context);
    const after = args.after ?? [];
    const runAfter = args.runAfter ?? [];
    const objects: Record<string, pulumi.CustomResource> = {};
    const create = (role: string, object: Parameters<typeof createObject>[1], extra: pulumi.CustomResourceOptions) =>
      (objects[role] = createObject(`${name}-${role}`, object, { parent: this, ...extra }));

    const setup: pulumi.Resource[] = rendered.setup.map((r) => create(r.role, r.object, { dependsOn: after }));
    if (args.context.secretSource?.kind === "generated" && (args.spec.secrets?.keys.length ?? 0) > 0) {
      const tctx = templateContext(args.context.environment, args.context.baseDomain);
      this.generatedSecret = createGeneratedSecret(this, name, args.spec, rendered.namespace, tctx, after, args.passwords);
      setup.push(this.generatedSecret);
    }
    const jobs = rendered.jobs.map((r) => {
      const deadline = Number((r.object.spec as { activeDeadlineSeconds?: number }).activeDeadlineSeconds ?? 600);
      // Pulumi waits for the Job to complete; give it the Job's own deadline plus image pull time.
      const timeout = `${deadline + 300}s`;
      return create(r.role, r.object, {
        dependsOn: [...after, ...setup, ...runAfter],
        customTimeouts: { create: timeout, update: timeout },
      });
    });
    this.controller = rendered.controller
      ? create(rendered.controller.role, rendered.controller.object, { dependsOn: [...after, ...setup, ...runAfter, ...jobs] })
      : undefined;
    for (const r of rendered.tasks) create(r.role, r.object, { dependsOn: [...after, ...setup, ...runAfter] });
    for (const r of rendered.exposure) create(r.role, r.object, { dependsOn: [...after, ...setup] });
    this.objects = objects;
    this.registerOutputs({});
  }
}
