import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VOLUMES, type VolumeRow } from "../cluster/storage-table";
import type { HostSettings } from "../config/profile";
import { contentHash } from "../lib/hash";
import { renderK3sModule, K3S_TOKEN_FILE } from "./nix";

const SCRIPTS_DIR = join(__dirname, "scripts");

/** A host step's script: the shared prelude, then the step's own file, as the host runs it. */
export function stepScript(file: string): string {
  const prelude = readFileSync(join(SCRIPTS_DIR, "lib.sh"), "utf8");
  const body = readFileSync(join(SCRIPTS_DIR, file), "utf8");
  return `#!/usr/bin/env bash\n${prelude}\n${body}`;
}

/** Single-quotes a value for the shell (newlines included). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command a remote step runs: its variables, then the script verbatim on bash's standard
 * input, so `pulumi preview` shows a changed script line by line.
 */
export function remoteCommand(script: string, env: Readonly<Record<string, string>>): string {
  const names = Object.keys(env).sort();
  for (const name of names) if (!/^FAF_[A-Z0-9_]+$/.test(name)) throw new Error(`step variable ${name} must be FAF_*`);
  if (script.includes("\nFAF_STEP_EOF\n")) throw new Error("a step script must not contain the line FAF_STEP_EOF");
  const assignments = names.map((name) => `${name}=${shellQuote(env[name] ?? "")}`).join(" ");
  return `${assignments}${assignments ? " " : ""}bash -s <<'FAF_STEP_EOF'\n${script}\nFAF_STEP_EOF\n`;
}

/** ZFS properties per kind of data. */
export function datasetProperties(usage: VolumeRow["usage"]): { recordsize: string; compression: string } {
  switch (usage) {
    // InnoDB pages are 16K; a matching record size avoids read-modify-write of 128K records.
    case "database":
      return { recordsize: "16K", compression: "lz4" };
    // Replays, maps and mods are large files written once and read whole.
    case "bulk":
      return { recordsize: "1M", compression: "lz4" };
    case "files":
      return { recordsize: "128K", compression: "lz4" };
  }
}

/** `100Gi` -> `100G` (ZFS units are binary) and its size in bytes. */
export function zfsSize(size: string): { quota: string; bytes: number } {
  const match = /^(\d+)(Mi|Gi|Ti)$/.exec(size);
  if (!match) throw new Error(`volume size ${size} is not in Mi, Gi or Ti`);
  const amount = Number(match[1]);
  const unit = match[2] as "Mi" | "Gi" | "Ti";
  const power = { Mi: 2, Gi: 3, Ti: 4 }[unit];
  return { quota: `${amount}${unit.charAt(0)}`, bytes: amount * 1024 ** power };
}

export interface DatasetRow {
  volume: string;
  dataset: string;
  mountpoint: string;
  quota: string;
  quotaBytes: number;
  recordsize: string;
  compression: string;
}

/** One dataset per managed volume: `<pool>/<parent>/<folder>` at `<dataPath>/<folder>`. */
export function datasetTable(
  host: Pick<HostSettings, "pool" | "datasetParent" | "dataPath">,
  volumes: Readonly<Record<string, VolumeRow>> = VOLUMES,
): DatasetRow[] {
  return Object.entries(volumes).map(([volume, row]) => {
    const { quota, bytes } = zfsSize(row.size);
    return {
      volume,
      dataset: `${host.pool}/${host.datasetParent}/${row.folder}`,
      mountpoint: `${host.dataPath}/${row.folder}`,
      quota,
      quotaBytes: bytes,
      ...datasetProperties(row.usage),
    };
  });
}

export interface HostStep {
  /** Names the resource: `${host}-${role}`. */
  role: string;
  create: string;
  delete?: string;
  /** The step prints credentials: stdout is a secret and nothing is logged. */
  secretOutput?: boolean;
}

/**
 * Every step for the server node, in order. Each step's command carries everything it acts
 * on, so a changed table, module or script re-runs exactly that step (as an update: the
 * scripts converge, and no step is replaced, which would run its delete).
 */
/**
 * The step that snapshots the datasets of `volumes` whenever `generation` (a hash of the data
 * services' definitions) changes: run before the data layer is touched.
 */
export function dataSnapshotStep(
  host: HostSettings,
  volumes: readonly string[],
  generation: string,
  table: Readonly<Record<string, VolumeRow>> = VOLUMES,
): HostStep {
  const rows = datasetTable(host, table).filter((row) => volumes.includes(row.volume));
  return {
    role: "data-snapshot",
    create: remoteCommand(stepScript("data-snapshot.sh"), {
      FAF_SNAPSHOT_DATASETS: rows.map((row) => row.dataset).join("\n"),
      FAF_DATA_GENERATION: generation,
    }),
  };
}

export function serverSteps(
  host: HostSettings,
  baseDomain: string,
  volumes: Readonly<Record<string, VolumeRow>> = VOLUMES,
  hostMetrics = false,
): HostStep[] {
  const server = host.nodes.find((node) => node.role === "server");
  if (!server) throw new Error("faf:host.nodes has no server");
  const table = datasetTable(host, volumes);
  const datasets = table
    .map((r) => [r.dataset, r.mountpoint, r.quota, String(r.quotaBytes), r.recordsize, r.compression].join("|"))
    .join("\n");
  const module = renderK3sModule({
    nodeName: server.name,
    tlsSans: [...new Set([server.address, `${server.name}.${baseDomain}`])],
    containerStorageDevice: `/dev/zvol/${host.pool}/${host.containerStorage.zvol}`,
    mountsBeforeK3s: [host.dataPath],
    oidc: { issuer: `https://hydra.${baseDomain}`, clientId: "kubernetes" },
    hostMetrics,
  });
  const moduleFile = `${host.nixosConfig.slice(0, host.nixosConfig.lastIndexOf("/"))}/faf-k3s.nix`;
  // Steps that read what a rebuild may change run again whenever the module changes.
  const generation = contentHash(module);
  const datasetEnv = { FAF_DATASETS: datasets, FAF_DATASET_PARENT: `${host.pool}/${host.datasetParent}` };
  return [
    {
      role: "preflight",
      create: remoteCommand(stepScript("preflight.sh"), { FAF_POOL: host.pool, FAF_NIXOS_CONFIG: host.nixosConfig }),
    },
    {
      role: "datasets",
      create: remoteCommand(stepScript("datasets.sh"), datasetEnv),
      delete: remoteCommand(stepScript("datasets-delete.sh"), datasetEnv),
    },
    {
      role: "container-storage",
      create: remoteCommand(stepScript("container-storage.sh"), {
        FAF_ZVOL: `${host.pool}/${host.containerStorage.zvol}`,
        FAF_ZVOL_SIZE: host.containerStorage.size,
      }),
    },
    {
      role: "k3s-module",
      create: remoteCommand(stepScript("k3s-module.sh"), {
        FAF_MODULE: module,
        FAF_MODULE_FILE: moduleFile,
        FAF_NIXOS_CONFIG: host.nixosConfig,
        FAF_REBUILD: host.rebuild,
        FAF_TOKEN_FILE: K3S_TOKEN_FILE,
      }),
    },
    {
      role: "ready",
      create: remoteCommand(stepScript("wait-ready.sh"), {
        FAF_NODE: server.name,
        FAF_TIMEOUT: String(host.readyTimeoutSeconds),
        FAF_GENERATION: generation,
      }),
    },
    {
      role: "kubeconfig",
      create: remoteCommand(stepScript("kubeconfig.sh"), { FAF_GENERATION: generation }),
      secretOutput: true,
    },
    {
      role: "certificates",
      create: remoteCommand(stepScript("certificates.sh"), { FAF_GENERATION: generation }),
    },
  ];
}
