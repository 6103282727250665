import * as pulumi from "@pulumi/pulumi";
import { STORAGE_NODE_LABEL } from "../host/nix";
import { createObject } from "../lib/create";
import type { KubeObject } from "../lib/kube";
import { platformLabels } from "../lib/labels";
import { claimName, type VolumeRow } from "./storage-table";

const TYPE = "faf:cluster:Storage";
/** FAF's storage class name; claims and PVs refer to it. */
export const STORAGE_CLASS = "host-path";

export interface StorageInput {
  /** `local` PVs on a provisioned host (ZFS datasets), `hostPath` directories on a laptop. */
  kind: "local" | "hostPath";
  dataPath: string;
  /** The node that holds the data; PVs are pinned to it. */
  node: string | undefined;
  volumes: Readonly<Record<string, VolumeRow>>;
}

/** The StorageClass, then a PersistentVolume and its claim per volume of the table. Pure. */
export function storageObjects(input: StorageInput): {
  storageClass: KubeObject;
  volumes: { key: string; pv: KubeObject; pvc: KubeObject }[];
} {
  const labels = platformLabels("storage");
  const storageClass: KubeObject = {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: STORAGE_CLASS, labels },
    provisioner: "kubernetes.io/no-provisioner",
    // Immediate, not FAF's WaitForFirstConsumer: every claim names its PV, which names it back,
    // so both bind at once either way (the PVs' node affinity still places the pods). But the
    // Kubernetes provider awaits a WaitForFirstConsumer claim until it is Pending, and a
    // pre-bound claim is Bound before the await looks: `pulumi up` failed on random claims after
    // 5 minutes (found by npm run e2e; decision 010).
    volumeBindingMode: "Immediate",
    reclaimPolicy: "Retain",
  };
  const volumes = Object.entries(input.volumes).map(([key, row]) => {
    const path = `${input.dataPath}/${row.folder}`;
    const claim = row.claim ?? claimName(key);
    const pv: KubeObject = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: key, labels: { ...labels, "faforever.com/volume": key } },
      spec: {
        capacity: { storage: row.size },
        accessModes: ["ReadWriteOnce"],
        // Deleting a claim never deletes the data: the volume is kept for an admin to look at.
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName: STORAGE_CLASS,
        volumeMode: "Filesystem",
        // Bound to its own claim only: no other claim can take FAF's data by matching the size.
        claimRef: { namespace: row.namespace, name: claim },
        ...(input.kind === "local" ? { local: { path } } : { hostPath: { path, type: "DirectoryOrCreate" } }),
        ...(input.node
          ? {
              nodeAffinity: {
                required: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: STORAGE_NODE_LABEL, operator: "In", values: [input.node] }] }],
                },
              },
            }
          : {}),
      },
    };
    const pvc: KubeObject = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: claim, namespace: row.namespace, labels: { ...labels, "faforever.com/volume": key } },
      spec: {
        storageClassName: STORAGE_CLASS,
        accessModes: ["ReadWriteOnce"],
        volumeName: key,
        resources: { requests: { storage: row.size } },
      },
    };
    return { key, pv, pvc };
  });
  return { storageClass, volumes };
}

export interface StorageArgs extends StorageInput {
  /** Real data: protect from deletion and replacement, keep on delete. */
  protect: boolean;
  after?: pulumi.Resource[];
}

/** FAF's volumes: the class, the PVs on the node's data path, and the claims workloads mount. */
export class Storage extends pulumi.ComponentResource {
  /** Claims by volume key. */
  readonly claims: Readonly<Record<string, pulumi.CustomResource>>;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts);
    const { storageClass, volumes } = storageObjects(args);
    // A protected PV or claim cannot be deleted or replaced: a change that would replace one
    // (path, class, size down) fails the preview instead of deleting FAF's data.
    const safety: pulumi.CustomResourceOptions = args.protect ? { protect: true, retainOnDelete: true } : {};
    const after = args.after ?? [];
    const cls = createObject(`${name}-class`, storageClass, { parent: this, dependsOn: after, ...safety });
    const claims: Record<string, pulumi.CustomResource> = {};
    for (const { key, pv, pvc } of volumes) {
      const volume = createObject(`${name}-pv-${key}`, pv, { parent: this, dependsOn: [...after, cls], ...safety });
      claims[key] = createObject(`${name}-pvc-${key}`, pvc, { parent: this, dependsOn: [...after, volume], ...safety });
    }
    this.claims = claims;
    this.registerOutputs({});
  }
}
