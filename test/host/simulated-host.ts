import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const FAKES = join(__dirname, "fakes");

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The fake commands this run called, `READ ...` or `MUTATE ...`. */
  calls: string[];
}

/**
 * Test scaffolding, not a claim that a host works: a temporary directory standing in for a
 * NixOS/ZFS machine, with fake zfs, zpool, nixos-rebuild, systemctl, k3s, mkfs.ext4, blkid,
 * mount, mountpoint and openssl first on PATH. The fakes keep state in files and log each call.
 */
const hosts: SimulatedHost[] = [];

/** Removes every simulated host made so far (tests call it in afterEach). */
export function removeSimulatedHosts(): void {
  for (const host of hosts.splice(0)) host.remove();
}

export class SimulatedHost {
  readonly root: string;
  readonly state: string;

  /** `base`: the directory to build it in (the caller removes it); default a new temporary one. */
  constructor(options: { nixosConfig?: string; importsModule?: boolean; poolHealth?: string; base?: string } = {}) {
    const base = options.base ?? mkdtempSync(join(tmpdir(), "faf-host-"));
    if (options.base) mkdirSync(base, { recursive: true });
    else hosts.push(this);
    this.root = join(base, "root");
    this.state = join(base, "state");
    mkdirSync(join(this.state, "pools"), { recursive: true });
    writeFileSync(join(this.state, "pools", "tank"), `${options.poolHealth ?? "ONLINE"}\n`);
    this.write("/etc/NIXOS", "");
    const imports = options.importsModule === false ? "" : " ./faf-k3s.nix";
    this.write(
      options.nixosConfig ?? "/etc/nixos/configuration.nix",
      `{ ... }: {\n  imports = [ ./hardware-configuration.nix${imports} ];\n}\n`,
    );
    this.write("/etc/nixos/hardware-configuration.nix", "{ ... }: { }\n");
    // The running system: what the configuration builds to before the module exists.
    const init = spawnSync(
      "bash",
      [
        "-c",
        `. ${FAKES}/_common.sh && system=$(build_system) && mkdir -p "$ROOT/run" "$ROOT/nix/var/nix/profiles" && ln -s "$system" "$ROOT/run/current-system" && ln -s "$system" "$ROOT/nix/var/nix/profiles/system"`,
      ],
      {
        encoding: "utf8",
        env: { PATH: "/usr/local/bin:/usr/bin:/bin", FAF_ROOT: this.root, FAKE_STATE: this.state },
      },
    );
    if (init.status !== 0) throw new Error(`simulated host: ${init.stderr}`);
  }

  /** The store path of the running system (the fake's /run/current-system). */
  currentSystem(): string {
    return realpathSync(join(this.root, "run/current-system"));
  }

  /** Removes the simulated host's files. */
  remove(): void {
    rmSync(dirname(this.root), { recursive: true, force: true });
  }

  /** Writes a file on the simulated host. */
  write(path: string, content: string): void {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), content);
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), "utf8");
  }

  exists(path: string): boolean {
    return existsSync(join(this.root, path));
  }

  /** Runs a step's command as the remote shell would, with `env` added (fault injection). */
  run(command: string, env: Record<string, string> = {}, path: string = FAKES): StepRun {
    const logFile = join(this.state, "calls.log");
    const before = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").filter(Boolean).length : 0;
    const result = spawnSync("bash", ["-c", command], {
      encoding: "utf8",
      env: {
        PATH: `${path}:/usr/local/bin:/usr/bin:/bin`,
        HOME: this.root,
        FAF_ROOT: this.root,
        FAKE_STATE: this.state,
        ...env,
      },
    });
    const calls = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").filter(Boolean).slice(before) : [];
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  }

  /** Datasets (and zvols) the fake zfs knows, with their properties. */
  datasets(): Map<string, Record<string, string>> {
    const dir = join(this.state, "zfs");
    const result = new Map<string, Record<string, string>>();
    if (!existsSync(dir)) return result;
    for (const file of readdirSync(dir)) {
      const props: Record<string, string> = {};
      for (const line of readFileSync(join(dir, file), "utf8").split("\n").filter(Boolean)) {
        const at = line.indexOf("=");
        props[line.slice(0, at)] = line.slice(at + 1);
      }
      result.set(file.replace(/%/g, "/"), props);
    }
    return result;
  }

  /**
   * Pre-creates a dataset, as if it already existed on the machine: mounted at its mountpoint
   * unless `mounted: "no"`, `mountpoint: "legacy"` or `canmount: "off"` says otherwise.
   */
  seedDataset(name: string, props: Record<string, string>): void {
    mkdirSync(join(this.state, "zfs"), { recursive: true });
    const lines = Object.entries({ type: "filesystem", ...props })
      .filter(([k]) => k !== "mounted")
      .map(([k, v]) => `${k}=${v}`);
    writeFileSync(join(this.state, "zfs", name.replace(/\//g, "%")), `${lines.join("\n")}\n`);
    const mountpoint = props.mountpoint ?? `/${name}`;
    if (props.type !== "volume" && props.mounted !== "no" && mountpoint !== "legacy" && props.canmount !== "off") {
      mkdirSync(join(this.root, mountpoint), { recursive: true });
      appendFileSync(join(this.state, "mounts"), `${join(this.root, mountpoint)}\n`);
    } else if (props.type !== "volume" && mountpoint !== "legacy") {
      mkdirSync(join(this.root, mountpoint), { recursive: true });
    }
  }

  /** Pre-creates snapshots (`dataset@name`), as if they existed already. */
  seedSnapshots(names: readonly string[]): void {
    appendFileSync(join(this.state, "snapshots"), names.map((n) => `${n}\n`).join(""));
  }

  /** The snapshots the fake zfs holds. */
  snapshots(): string[] {
    return (this.stateFile("snapshots") ?? "").split("\n").filter(Boolean);
  }

  stateFile(name: string): string | undefined {
    const path = join(this.state, name);
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  }
}

export const mutations = (run: StepRun) => run.calls.filter((call) => call.startsWith("MUTATE "));
