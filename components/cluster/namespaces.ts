import * as pulumi from "@pulumi/pulumi";
import { createObject } from "../lib/create";
import type { KubeObject } from "../lib/kube";
import { platformLabels } from "../lib/labels";
import { NAMESPACES, type NamespaceKey } from "../lib/names";

const TYPE = "faf:cluster:Namespaces";

/** The Namespace objects, one per entry of {@link NAMESPACES}. */
export function namespaceObjects(): { key: NamespaceKey; object: KubeObject }[] {
  return (Object.entries(NAMESPACES) as [NamespaceKey, string][]).map(([key, name]) => ({
    key,
    object: { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: platformLabels("namespace") } },
  }));
}

export interface NamespacesArgs {
  /** Protect them from deletion: deleting a namespace deletes every claim and secret in it. */
  protect: boolean;
}

export class Namespaces extends pulumi.ComponentResource {
  readonly byKey: Readonly<Record<NamespaceKey, pulumi.CustomResource>>;

  constructor(name: string, args: NamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const byKey: Partial<Record<NamespaceKey, pulumi.CustomResource>> = {};
    for (const { key, object } of namespaceObjects()) {
      byKey[key] = createObject(`${name}-${object.metadata.name}`, object, { parent: this, protect: args.protect });
    }
    this.byKey = byKey as Record<NamespaceKey, pulumi.CustomResource>;
    this.registerOutputs({});
  }
}
