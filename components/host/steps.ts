import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VOLUMES, type VolumeRow } from "../cluster/storage-table";
import type { HostSettings } from "../config/profile";
import { contentHash } from "../lib/hash";
import { renderK3sModule, K3S_TOKEN_FILE } from "./nix";

const SCRIPTS_DIR = join(__dirname, "scripts");

const script = (file: string): string => readFileSync(join(SCRIPTS_DIR, file), "utf8");

/**
 * A host step's script as the host runs it: the shared prelude, the host checks
 * (`require_host`, which every mutating step calls first), then the step's own file.
 */
export function stepScript(file: string): string {
  return `#!/usr/bin/env bash\n${script("lib.sh")}\n${script("checks.sh")}\n${script(file)}`;
}

/** Single-quotes a value for the shell (newlines included). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command a remote step runs: its variables, then the script verbatim, so `pulumi preview`
 * shows a changed script line by line. The script is bash's argument, not its standard input:
 * with `bash -s`, any command in it that reads standard input would swallow the rest of the
 * script. Standard input is /dev/null.
 */
export function remoteCommand(script: string, env: Readonly<Record<string, string>>): string {
  const names = Object.keys(env).sort();
  for (const name of names) if (!/^FAF_[A-Z0-9_]+$/.test(name)) throw new Error(`step variable ${name} must be FAF_*`);
  if (script.includes("\nFAF_STEP_EOF\n")) throw new Error("a step script must not contain the line FAF_STEP_EOF");
  const assignments = names.map((name) => `${name}=${shellQuote(env[name] ?? "")}`).join(" ");
  return `${assignments}${assignments ? " " : ""}bash -c "$(cat <<'FAF_STEP_EOF'\n${script}\nFAF_STEP_EOF\n)" faf-step </dev/null\n`;
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
export function zfsSize(size: string): { size: string; bytes: number } {
  const match = /^(\d+)(Mi|Gi|Ti)$/.exec(size);
  if (!match) throw new Error(`volume size ${size} is not in Mi, Gi or Ti`);
  const amount = Number(match[1]);
  const unit = match[2] as "Mi" | "Gi" | "Ti";
  const power = { Mi: 2, Gi: 3, Ti: 4 }[unit];
  return { size: `${amount}${unit.charAt(0)}`, bytes: amount * 1024 ** power };
}

export interface DatasetRow {
  volume: string;
  dataset: string;
  mountpoint: string;
  /** The dataset's refquota: live data only, so snapshots never eat the volume's room. */
  refquota: string;
  refquotaBytes: number;
  recordsize: string;
  compression: string;
}

/** One dataset per managed volume: `<pool>/<parent>/<folder>` at `<dataPath>/<folder>`. */
export function datasetTable(
  host: Pick<HostSettings, "pool" | "datasetParent" | "dataPath">,
  volumes: Readonly<Record<string, VolumeRow>> = VOLUMES,
): DatasetRow[] {
  return Object.entries(volumes).map(([volume, row]) => {
    const { size, bytes } = zfsSize(row.size);
    return {
      volume,
      dataset: `${host.pool}/${host.datasetParent}/${row.folder}`,
      mountpoint: `${host.dataPath}/${row.folder}`,
      refquota: size,
      refquotaBytes: bytes,
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
  retentionDays: number,
  table: Readonly<Record<string, VolumeRow>> = VOLUMES,
): HostStep {
  const rows = datasetTable(host, table).filter((row) => volumes.includes(row.volume));
  return {
    role: "data-snapshot",
    create: remoteCommand(stepScript("data-snapshot.sh"), {
      ...hostCheckEnv(host),
      FAF_SNAPSHOT_DATASETS: rows.map((row) => row.dataset).join("\n"),
      FAF_DATA_GENERATION: generation,
      FAF_SNAPSHOT_RETENTION_DAYS: String(retentionDays),
    }),
  };
}

/** The WARNING lines a step printed (`faf[<host>]: WARNING: ...`), without the prefix. */
export function stepWarnings(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((line) => /^faf\[[^\]]*\]: WARNING: (.*)$/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
}

/** What `require_host` checks: the pool and the NixOS configuration. */
function hostCheckEnv(host: HostSettings): Record<string, string> {
  return { FAF_POOL: host.pool, FAF_NIXOS_CONFIG: host.nixosConfig };
}

/** The arguments after `nixos-rebuild switch` in the rebuild setting (`--flake <dir>#<host>`). */
export function rebuildArgs(rebuild: string): string {
  return rebuild.replace(/^nixos-rebuild switch\s*/, "");
}

export function serverSteps(
  host: HostSettings,
  baseDomain: string,
  volumes: Readonly<Record<string, VolumeRow>> = VOLUMES,
): HostStep[] {
  const server = host.nodes.find((node) => node.role === "server");
  if (!server) throw new Error("faf:host.nodes has no server");
  const table = datasetTable(host, volumes);
  const datasets = table
    .map((r) => [r.dataset, r.mountpoint, r.refquota, String(r.refquotaBytes), r.recordsize, r.compression].join("|"))
    .join("\n");
  const module = renderK3sModule({
    nodeName: server.name,
    tlsSans: [...new Set([server.address, `${server.name}.${baseDomain}`])],
    containerStorageDevice: `/dev/zvol/${host.pool}/${host.containerStorage.zvol}`,
    mountsBeforeK3s: table.map((row) => row.mountpoint),
    oidc: { issuer: `https://hydra.${baseDomain}`, clientId: "kubernetes" },
  });
  const moduleFile = `${host.nixosConfig.slice(0, host.nixosConfig.lastIndexOf("/"))}/faf-k3s.nix`;
  // Steps that read what a rebuild may change run again whenever the module changes.
  const generation = contentHash(module);
  const checks = hostCheckEnv(host);
  const datasetEnv = { ...checks, FAF_DATASETS: datasets, FAF_DATASET_PARENT: `${host.pool}/${host.datasetParent}` };
  return [
    {
      role: "preflight",
      create: remoteCommand(stepScript("preflight.sh"), checks),
    },
    {
      role: "datasets",
      create: remoteCommand(stepScript("datasets.sh"), datasetEnv),
      delete: remoteCommand(stepScript("datasets-delete.sh"), datasetEnv),
    },
    {
      role: "container-storage",
      create: remoteCommand(stepScript("container-storage.sh"), {
        ...checks,
        FAF_ZVOL: `${host.pool}/${host.containerStorage.zvol}`,
        FAF_ZVOL_SIZE: host.containerStorage.size,
      }),
    },
    {
      role: "k3s-module",
      create: remoteCommand(stepScript("k3s-module.sh"), {
        ...checks,
        FAF_MODULE: module,
        FAF_MODULE_FILE: moduleFile,
        FAF_REBUILD_ARGS: rebuildArgs(host.rebuild),
        FAF_APPLY_OTHER_CHANGES: String(host.applyOtherChanges),
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
