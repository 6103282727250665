import { NAMESPACES, type NamespaceName } from "../lib/names";

/**
 * The one table of FAF's managed volumes. The host step creates a ZFS dataset per row
 * (`<pool>/<parent>/<folder>` at `<dataPath>/<folder>`), the cluster layer a PersistentVolume
 * and claim per row, and workloads mount rows by key. Names, folders and sizes are those FAF
 * runs today (gitops-stack `cluster/storage`), so prod adopts the data where it already is.
 */
export interface VolumeRow {
  /** Folder under the data path (`/opt/faf/data/<folder>` in prod). */
  folder: string;
  /** Capacity of the PV and the ZFS quota. */
  size: string;
  /** Namespace of the claim (a claim can only be mounted in its own namespace). */
  namespace: NamespaceName;
  /** What lives there; decides dataset properties such as recordsize. */
  usage: "database" | "files" | "bulk";
  /**
   * The claim's name when an operator's StatefulSet names it (`<template>-<statefulset>-0`): the
   * program creates that claim first, bound to this volume, and the StatefulSet adopts it.
   * @default `<key>-pvc`
   */
  claim?: string;
}

export const VOLUMES = {
  // mariadb-operator's StatefulSet `mariadb` claims `storage-mariadb-0`.
  mariadb: { folder: "mariadb", size: "100Gi", namespace: NAMESPACES.infra, usage: "database", claim: "storage-mariadb-0" },
  postgres: { folder: "postgres", size: "50Gi", namespace: NAMESPACES.infra, usage: "database" },
  "faf-replays": { folder: "replays", size: "500Gi", namespace: NAMESPACES.apps, usage: "bulk" },
  "faf-maps": { folder: "maps", size: "200Gi", namespace: NAMESPACES.apps, usage: "bulk" },
  "faf-mods": { folder: "mods", size: "200Gi", namespace: NAMESPACES.apps, usage: "bulk" },
  "faf-featured-mods": {
    folder: "legacy-featured-mod-files",
    size: "150Gi",
    namespace: NAMESPACES.apps,
    usage: "bulk",
  },
  "faf-content": { folder: "content", size: "50Gi", namespace: NAMESPACES.apps, usage: "files" },
  mongodb: { folder: "mongodb", size: "20Gi", namespace: NAMESPACES.infra, usage: "database" },
  nodebb: { folder: "nodebb", size: "15Gi", namespace: NAMESPACES.apps, usage: "files" },
  wordpress: { folder: "wordpress", size: "10Gi", namespace: NAMESPACES.apps, usage: "files" },
  "phpbb3-archive": { folder: "phpbb3-archive", size: "2Gi", namespace: NAMESPACES.apps, usage: "files" },
  ergochat: { folder: "ergochat", size: "1Gi", namespace: NAMESPACES.apps, usage: "files" },
  // The RabbitMQ cluster operator's StatefulSet `rabbitmq-server` claims `persistence-rabbitmq-server-0`.
  rabbitmq: {
    folder: "rabbitmq",
    size: "1Gi",
    namespace: NAMESPACES.apps,
    usage: "database",
    claim: "persistence-rabbitmq-server-0",
  },
  debezium: { folder: "debezium", size: "1Gi", namespace: NAMESPACES.apps, usage: "files" },
  "faf-qai": { folder: "faf-qai", size: "1Gi", namespace: NAMESPACES.apps, usage: "files" },
  grafana: { folder: "grafana", size: "1Gi", namespace: NAMESPACES.ops, usage: "files" },
  // Logical backups (dumps), one dataset per database server, so a restore never reads the live data.
  "backups-mariadb": { folder: "backups-mariadb", size: "300Gi", namespace: NAMESPACES.infra, usage: "bulk" },
  "backups-postgres": { folder: "backups-postgres", size: "50Gi", namespace: NAMESPACES.infra, usage: "bulk" },
  "backups-mongodb": { folder: "backups-mongodb", size: "20Gi", namespace: NAMESPACES.infra, usage: "bulk" },
} as const satisfies Record<string, VolumeRow>;

export type VolumeKey = keyof typeof VOLUMES;

/** The claim name of a volume: as FAF names them (`<pv>-pvc`), or the one its operator expects. */
export function claimName(volume: string): string {
  const row: VolumeRow | undefined = (VOLUMES as Record<string, VolumeRow>)[volume];
  return row?.claim ?? `${volume}-pvc`;
}
