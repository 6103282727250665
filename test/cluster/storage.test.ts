import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { Storage, storageObjects } from "../../components/cluster/storage";
import { VOLUMES } from "../../components/cluster/storage-table";
import type { CapturedResource } from "../../render/engine";
import { captureResources } from "../support/mocks";

const prod = { kind: "local" as const, dataPath: "/opt/faf/data", node: "fafprod3", volumes: VOLUMES };

describe("storage objects", () => {
  const { storageClass, volumes } = storageObjects(prod);

  it("uses a class with no provisioner that binds at once and retains", () => {
    expect(storageClass).toMatchObject({
      metadata: { name: "host-path" },
      provisioner: "kubernetes.io/no-provisioner",
      reclaimPolicy: "Retain",
    });
  });

  it("binds Immediately, since every claim is pre-bound: the Kubernetes provider awaits a WaitForFirstConsumer claim until it is Pending, which a pre-bound claim may never be seen as", () => {
    expect(storageClass.volumeBindingMode).toBe("Immediate");
    for (const { pv, pvc } of volumes) {
      expect(pvc.spec).toMatchObject({ volumeName: pv.metadata.name });
      expect(pv.spec).toMatchObject({ claimRef: { name: pvc.metadata.name, namespace: pvc.metadata.namespace } });
    }
  });

  it("puts every PV at FAF's path with its size, pinned to the storage node and bound to its own claim", () => {
    expect(volumes).toHaveLength(19);
    const replays = volumes.find((v) => v.key === "faf-replays")!;
    expect(replays.pv.spec).toMatchObject({
      capacity: { storage: "500Gi" },
      persistentVolumeReclaimPolicy: "Retain",
      local: { path: "/opt/faf/data/replays" },
      claimRef: { namespace: "faf-apps", name: "faf-replays-pvc" },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "openebs.io/nodeid", operator: "In", values: ["fafprod3"] }] }],
        },
      },
    });
    expect(replays.pvc).toMatchObject({
      metadata: { name: "faf-replays-pvc", namespace: "faf-apps" },
      spec: { volumeName: "faf-replays", storageClassName: "host-path", resources: { requests: { storage: "500Gi" } } },
    });
    expect(volumes.find((v) => v.key === "mariadb")!.pvc.metadata.namespace).toBe("faf-infra");
  });

  it("uses directories created on first use under the laptop's data path, unpinned unless a node is named", () => {
    const laptop = storageObjects({ kind: "hostPath", dataPath: "/var/lib/faf-data", node: undefined, volumes: VOLUMES });
    const maps = laptop.volumes.find((v) => v.key === "faf-maps")!.pv.spec as Record<string, unknown>;
    expect(maps.hostPath).toEqual({ path: "/var/lib/faf-data/maps", type: "DirectoryOrCreate" });
    expect(maps.nodeAffinity).toBeUndefined();
  });
});

let resources: CapturedResource[];

beforeAll(async () => {
  resources = await captureResources(() => {
    const provider = new k8s.Provider("k8s", { context: "test" });
    new Storage("prod-storage", { ...prod, protect: true }, { providers: [provider] });
    new Storage("local-storage", { ...prod, kind: "hostPath", protect: false }, { providers: [provider] });
  });
});

describe("Storage component", () => {
  it("protects prod's data volumes and claims and retains them on delete", () => {
    const data = resources.filter(
      (r) => r.parent === "prod-storage" && (r.type.endsWith(":PersistentVolume") || r.type.endsWith(":PersistentVolumeClaim")),
    );
    expect(data).toHaveLength(38);
    for (const r of data) expect(r.options, r.name).toMatchObject({ protect: true, retainOnDelete: true });
  });

  it("leaves a laptop's volumes unprotected", () => {
    const data = resources.filter((r) => r.parent === "local-storage" && r.type.endsWith(":PersistentVolume"));
    expect(data.every((r) => r.options.protect === undefined && r.options.retainOnDelete === undefined)).toBe(true);
  });

  it("creates each claim after its volume", () => {
    const claim = resources.find((r) => r.name === "prod-storage-pvc-mariadb")!;
    expect(claim.dependsOn).toContain("prod-storage-pv-mariadb");
  });
});
