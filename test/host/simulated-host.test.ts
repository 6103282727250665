import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VOLUMES } from "../../components/cluster/storage-table";
import type { HostSettings } from "../../components/config/profile";
import { HOST_SETTINGS } from "./fixtures";
import { dataSnapshotStep, serverSteps, type HostStep } from "../../components/host/steps";
import { mutations, SimulatedHost, type StepRun } from "./simulated-host";

const settings: HostSettings = HOST_SETTINGS;
const steps = serverSteps(settings, "faforever.com");
const step = (role: string): HostStep => steps.find((s) => s.role === role)!;

/** Runs every step in order, stopping at the first failure, as the engine would. */
function runAll(host: SimulatedHost, env: Record<string, string> = {}): { runs: Record<string, StepRun>; failed?: string } {
  const runs: Record<string, StepRun> = {};
  for (const s of steps) {
    runs[s.role] = host.run(s.create, env);
    if (runs[s.role]!.code !== 0) return { runs, failed: s.role };
  }
  return { runs };
}
const allMutations = (result: ReturnType<typeof runAll>) => Object.values(result.runs).flatMap(mutations);

describe("host steps on a simulated host (fake zfs, zpool, nixos-rebuild, systemctl, k3s: scaffolding, not a real machine)", () => {
  it("creates a dataset for every managed volume at <pool>/<parent>/<folder>, mounted at <dataPath>/<folder>", () => {
    const host = new SimulatedHost();
    const result = runAll(host);
    expect(result.failed, result.failed && result.runs[result.failed]!.stderr).toBeUndefined();
    const datasets = host.datasets();
    for (const [volume, row] of Object.entries(VOLUMES)) {
      const props = datasets.get(`tank/faf/data/${row.folder}`);
      expect(props, volume).toBeDefined();
      expect(props!.mountpoint).toBe(`/opt/faf/data/${row.folder}`);
      expect(props!.quota).toBe(row.size.replace("i", ""));
      expect(props!.atime).toBe("off");
    }
    expect(datasets.get("tank/faf/data/mariadb")!.recordsize).toBe("16K");
    expect(datasets.get("tank/faf/data/replays")!.recordsize).toBe("1M");
  });

  it("formats the container-storage zvol once, mounts it, writes the module and switches once", () => {
    const host = new SimulatedHost();
    const result = runAll(host);
    const all = allMutations(result);
    expect(all.filter((c) => c.startsWith("MUTATE mkfs.ext4"))).toEqual([
      "MUTATE mkfs.ext4 -q -L rancher " + host.root + "/dev/zvol/tank/nixos/rancher",
    ]);
    expect(all.filter((c) => c.startsWith("MUTATE nixos-rebuild"))).toEqual(["MUTATE nixos-rebuild switch"]);
    expect(host.read("/etc/nixos/faf-k3s.nix")).toContain('"--disable=traefik"');
    expect(host.read("/var/lib/faf/k3s-token").trim()).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
  });

  it("makes no mutating call on the second run", () => {
    const host = new SimulatedHost();
    runAll(host);
    const second = runAll(host);
    expect(second.failed).toBeUndefined();
    expect(allMutations(second)).toEqual([]);
    expect(second.runs["k3s-module"]!.stdout).toContain("module unchanged: no rebuild");
  });

  it("converges after a zfs create that fails halfway through the datasets", () => {
    const host = new SimulatedHost();
    const fault = { FAKE_FAIL_ONCE: "zfs create", FAKE_FAIL_AT: "5" };
    const first = runAll(host, fault);
    expect(first.failed).toBe("datasets");
    expect(host.datasets().size).toBeLessThan(Object.keys(VOLUMES).length);
    const second = runAll(host, fault);
    expect(second.failed).toBeUndefined();
    expect([...host.datasets().keys()].filter((d) => d.startsWith("tank/faf/data/")).length).toBe(Object.keys(VOLUMES).length);
    expect(allMutations(runAll(host))).toEqual([]);
  });

  it("converges after a nixos-rebuild switch that fails: the next run switches again", () => {
    const host = new SimulatedHost();
    const fault = { FAKE_FAIL_ONCE: "nixos-rebuild switch" };
    expect(runAll(host, fault).failed).toBe("k3s-module");
    const second = runAll(host, fault);
    expect(second.failed).toBeUndefined();
    expect(allMutations(second)).toEqual(["MUTATE nixos-rebuild switch"]);
    expect(allMutations(runAll(host))).toEqual([]);
  });

  it("destroys nothing on delete, and says what it leaves behind", () => {
    const host = new SimulatedHost();
    runAll(host);
    const deleted = host.run(step("datasets").delete!);
    expect(deleted.code).toBe(0);
    expect(mutations(deleted)).toEqual([]);
    expect(host.stateFile("destroyed")).toBeUndefined();
    expect(deleted.stdout).toContain("kept tank/faf/data/replays at /opt/faf/data/replays");
    expect(deleted.stdout.match(/kept /g)?.length).toBe(Object.keys(VOLUMES).length);
  });

  it("adopts an existing dataset and corrects only its drifted properties", () => {
    const host = new SimulatedHost();
    host.seedDataset("tank/faf/data/mariadb", {
      mountpoint: "/opt/faf/data/mariadb",
      quota: "100G",
      recordsize: "128K",
      compression: "lz4",
      atime: "off",
    });
    const run = host.run(step("datasets").create);
    expect(run.code).toBe(0);
    expect(mutations(run).filter((c) => c.includes("tank/faf/data/mariadb"))).toEqual([
      "MUTATE zfs set recordsize=16K tank/faf/data/mariadb",
    ]);
    expect(run.stdout).toContain("corrected recordsize of tank/faf/data/mariadb: 128K -> 16K");
  });

  it("leaves the quota alone, with a warning, when a dataset already holds more than its size", () => {
    const host = new SimulatedHost();
    host.seedDataset("tank/faf/data/replays", {
      mountpoint: "/opt/faf/data/replays",
      used: String(600 * 1024 ** 3),
      recordsize: "1M",
      compression: "lz4",
      atime: "off",
    });
    const run = host.run(step("datasets").create);
    expect(run.code).toBe(0);
    expect(mutations(run).filter((c) => c.includes("quota=") && c.includes("replays"))).toEqual([]);
    expect(run.stdout).toContain("WARNING: tank/faf/data/replays uses 644245094400 bytes, more than its size 500G");
  });

  it("refuses to create a dataset over a directory that already holds files", () => {
    const host = new SimulatedHost();
    host.write("/opt/faf/data/maps/existing.scmap", "data");
    const run = host.run(step("datasets").create);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      "/opt/faf/data/maps already holds files, but no dataset tank/faf/data/maps exists; creating it would hide them.",
    );
    expect(mutations(run).some((c) => c.endsWith(" tank/faf/data/maps"))).toBe(false);
  });

  it("refuses an existing dataset mounted elsewhere instead of moving it", () => {
    const host = new SimulatedHost();
    host.seedDataset("tank/faf/data/mods", { mountpoint: "/srv/mods" });
    const run = host.run(step("datasets").create);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("dataset tank/faf/data/mods is mounted at /srv/mods, not /opt/faf/data/mods.");
  });

  it("never formats a zvol that already holds a filesystem", () => {
    const host = new SimulatedHost();
    host.seedDataset("tank/nixos/rancher", { type: "volume" });
    host.write("/dev/zvol/tank/nixos/rancher", "");
    host.write("/../state/blkid/" + `${host.root}/dev/zvol/tank/nixos/rancher`.replace(/\//g, "%"), "xfs\n");
    const run = host.run(step("container-storage").create);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("holds a xfs filesystem, not ext4; it is left alone.");
    expect(mutations(run)).toEqual([]);
  });

  it("stops with the line to add when the NixOS configuration does not import the module", () => {
    const host = new SimulatedHost({ importsModule: false });
    const run = host.run(step("k3s-module").create);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      "/etc/nixos/configuration.nix does not import faf-k3s.nix. Fix: add ./faf-k3s.nix to its imports",
    );
    expect(host.exists("/etc/nixos/faf-k3s.nix")).toBe(false);
    expect(mutations(run)).toEqual([]);
  });

  it("preflight stops on a degraded pool and names the fix", () => {
    const run = new SimulatedHost({ poolHealth: "DEGRADED" }).run(step("preflight").create);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("ZFS pool tank is DEGRADED, not ONLINE. Fix: zpool status -v tank");
  });

  it("preflight names a missing command", () => {
    const host = new SimulatedHost();
    // Every fake but nixos-rebuild, which no machine running these tests has for real.
    const bin = mkdtempSync(join(tmpdir(), "faf-bin-"));
    const run = host.run(
      `mkdir -p ${bin} && for f in ${__dirname}/fakes/*; do case $(basename "$f") in nixos-rebuild) ;; *) ln -sf "$f" ${bin}/ ;; esac; done && ${step("preflight").create}`,
      {},
      bin,
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("missing commands: nixos-rebuild.");
  });

  it("waits for readiness with a timeout that says where to look", () => {
    const host = new SimulatedHost();
    const quick = serverSteps({ ...settings, readyTimeoutSeconds: 1 }, "faforever.com").find((s) => s.role === "ready")!;
    const run = host.run(quick.create);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("k3s is not running after 1s. Look at: journalctl -u k3s -n 200 --no-pager");
  });

  it("prints the kubeconfig and the earliest leaf certificate expiry (CA certificates excluded)", () => {
    const host = new SimulatedHost();
    const result = runAll(host);
    expect(result.runs.kubeconfig!.stdout).toContain("server: https://127.0.0.1:6443");
    expect(result.runs.certificates!.stdout).toBe("2027-01-10T12:00:00Z\n");
  });
});

describe("data snapshot step on a simulated host", () => {
  const snapshot = dataSnapshotStep(settings, ["mariadb", "postgres", "mongodb", "rabbitmq"], "gen1");
  const taken = (host: SimulatedHost): string[] => {
    try {
      return readFileSync(join(host.state, "snapshots"), "utf8").split("\n").filter(Boolean);
    } catch {
      return [];
    }
  };

  it("snapshots the data services' datasets in one atomic call, and only ever creates snapshots", () => {
    const host = new SimulatedHost();
    runAll(host);
    const run = host.run(snapshot.create);
    expect(run.code, run.stderr).toBe(0);
    const calls = mutations(run);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(
      /^MUTATE zfs snapshot tank\/faf\/data\/mariadb@pulumi-\d{8}T\d{6}Z tank\/faf\/data\/postgres@pulumi-/,
    );
    expect(taken(host).map((s) => s.replace(/@.*/, ""))).toEqual([
      "tank/faf/data/mariadb",
      "tank/faf/data/postgres",
      "tank/faf/data/mongodb",
      "tank/faf/data/rabbitmq",
    ]);
    expect(calls.some((c) => c.includes("destroy") || c.includes("rollback"))).toBe(false);
  });

  it("skips datasets that do not exist yet instead of failing a first install", () => {
    const host = new SimulatedHost();
    const run = host.run(snapshot.create);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("no dataset tank/faf/data/mariadb yet");
    expect(mutations(run)).toEqual([]);
  });

  it("changes its command, and so runs again, only when the data services' generation changes", () => {
    expect(dataSnapshotStep(settings, ["mariadb"], "gen1").create).toBe(dataSnapshotStep(settings, ["mariadb"], "gen1").create);
    expect(dataSnapshotStep(settings, ["mariadb"], "gen2").create).not.toBe(
      dataSnapshotStep(settings, ["mariadb"], "gen1").create,
    );
  });
});
