import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VOLUMES } from "../../components/cluster/storage-table";
import type { HostSettings } from "../../components/config/profile";
import { HOST_SETTINGS } from "./fixtures";
import { dataSnapshotStep, serverSteps, stepWarnings, type HostStep } from "../../components/host/steps";
import { toolAvailable } from "../support/tools";
import { mutations, removeSimulatedHosts, SimulatedHost, type StepRun } from "./simulated-host";

afterEach(removeSimulatedHosts);
// Each full run spawns a few hundred fake commands: slow on a loaded two-core machine.
vi.setConfig({ testTimeout: 240_000 });

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
      expect(props!.refquota).toBe(row.size.replace("i", ""));
      expect(props!.quota).toBeUndefined();
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

  it("runs every step a second time without a mutating call, the data snapshot included", () => {
    const host = new SimulatedHost();
    runAll(host);
    const snapshot = dataSnapshotStep(settings, ["mariadb"], "0123456789abcdef", 30);
    expect(mutations(host.run(snapshot.create))).toHaveLength(1);
    const second = runAll(host);
    expect(allMutations(second)).toEqual([]);
    const again = host.run(snapshot.create);
    expect(again.code, again.stderr).toBe(0);
    expect(mutations(again)).toEqual([]);
    expect(again.stdout).toContain("tank/faf/data/mariadb already has a snapshot of generation 0123456789ab");
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
    // quota=100G is what earlier versions set: the size moves to refquota, which ignores snapshots.
    expect(mutations(run).filter((c) => c.includes("tank/faf/data/mariadb"))).toEqual([
      "MUTATE zfs set recordsize=16K tank/faf/data/mariadb",
      "MUTATE zfs set refquota=100G tank/faf/data/mariadb",
      "MUTATE zfs set quota=none tank/faf/data/mariadb",
    ]);
    expect(run.stdout).toContain("corrected recordsize of tank/faf/data/mariadb: 128K -> 16K");
  });

  it("leaves the quota alone, with a warning, when a dataset already holds more than its size", () => {
    const host = new SimulatedHost();
    host.seedDataset("tank/faf/data/replays", {
      mountpoint: "/opt/faf/data/replays",
      referenced: String(600 * 1024 ** 3),
      recordsize: "1M",
      compression: "lz4",
      atime: "off",
    });
    const run = host.run(step("datasets").create);
    expect(run.code).toBe(0);
    expect(mutations(run).filter((c) => c.includes("quota=") && c.includes("replays"))).toEqual([]);
    expect(run.stdout).toContain("WARNING: tank/faf/data/replays holds 644245094400 bytes, more than its size 500G");
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
    expect(run.stderr).toContain("ZFS pool tank is DEGRADED, not ONLINE; nothing was changed. Fix: zpool status -v tank");
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
    rmSync(bin, { recursive: true, force: true });
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
  const snapshot = dataSnapshotStep(settings, ["mariadb", "postgres", "mongodb", "rabbitmq"], "abcdef0123456789", 30);
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
      /^MUTATE zfs snapshot tank\/faf\/data\/mariadb@pulumi-\d{8}T\d{6}Z-abcdef012345 tank\/faf\/data\/postgres@pulumi-/,
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
    const gen1 = "1111111111111111";
    expect(dataSnapshotStep(settings, ["mariadb"], gen1, 30).create).toBe(
      dataSnapshotStep(settings, ["mariadb"], gen1, 30).create,
    );
    expect(dataSnapshotStep(settings, ["mariadb"], "2222222222222222", 30).create).not.toBe(
      dataSnapshotStep(settings, ["mariadb"], gen1, 30).create,
    );
  });
});

/** The simulated host after one full, successful run. */
function provisioned(): SimulatedHost {
  const host = new SimulatedHost();
  const result = runAll(host);
  expect(result.failed, result.failed && result.runs[result.failed]!.stderr).toBeUndefined();
  return host;
}
const withModule = (change: Partial<HostSettings>) =>
  serverSteps({ ...settings, ...change }, "faforever.com").find((s) => s.role === "k3s-module")!;
/** A change of the module: the server's address is one of the API certificate's names. */
const movedAddress: Partial<HostSettings> = { nodes: [{ ...settings.nodes[0]!, address: "203.0.113.8" }] };
const blkidAnswer = (host: SimulatedHost, answer: string) =>
  host.write("/../state/blkid/" + `${host.root}/dev/zvol/tank/nixos/rancher`.replace(/\//g, "%"), answer);

describe("data safety on the host (each case failed before its fix)", () => {
  describe("container storage: only a zvol this run created is formatted", () => {
    it("refuses to format an existing zvol on which blkid finds no filesystem", () => {
      const host = new SimulatedHost();
      host.seedDataset("tank/nixos/rancher", { type: "volume", volsize: "200G" });
      host.write("/dev/zvol/tank/nixos/rancher", "");
      const run = host.run(step("container-storage").create);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(
        "/dev/zvol/tank/nixos/rancher existed before this run and blkid finds no filesystem on it (exit 2); it is not formatted, because it may hold k3s's datastore.",
      );
      expect(mutations(run)).toEqual([]);
      expect(host.stateFile("formatted")).toBeUndefined();
    });

    it("refuses just the same when blkid answers with nothing and exit 0", () => {
      const host = new SimulatedHost();
      host.seedDataset("tank/nixos/rancher", { type: "volume", volsize: "200G" });
      host.write("/dev/zvol/tank/nixos/rancher", "");
      blkidAnswer(host, "");
      const run = host.run(step("container-storage").create);
      expect(run.code).not.toBe(0);
      expect(mutations(run)).toEqual([]);
    });

    it("reports a changed size instead of ignoring it, and resizes nothing", () => {
      const host = provisioned();
      const bigger = serverSteps({ ...settings, containerStorage: { zvol: "nixos/rancher", size: "300G" } }, "faforever.com");
      const run = host.run(bigger.find((s) => s.role === "container-storage")!.create);
      expect(run.code, run.stderr).toBe(0);
      expect(mutations(run)).toEqual([]);
      expect(run.stdout).toContain(
        "WARNING: zvol tank/nixos/rancher is 200G but faf:host.containerStorage.size says 300G; it is not resized by this step. To grow it: zfs set volsize=300G tank/nixos/rancher",
      );
      expect(stepWarnings(run.stdout)).toHaveLength(1);
    });
  });

  describe("datasets: adopted only when mounted at their path", () => {
    const cases: [string, Record<string, string>, string][] = [
      ["mountpoint=legacy", { mountpoint: "legacy" }, "dataset tank/faf/data/mariadb has mountpoint=legacy"],
      [
        "canmount=off",
        { mountpoint: "/opt/faf/data/mariadb", canmount: "off" },
        "dataset tank/faf/data/mariadb has canmount=off",
      ],
      [
        "an encryption key not loaded",
        { mountpoint: "/opt/faf/data/mariadb", keystatus: "unavailable", mounted: "no" },
        "dataset tank/faf/data/mariadb is encrypted and its key is not loaded",
      ],
      [
        "simply not mounted",
        { mountpoint: "/opt/faf/data/mariadb", mounted: "no" },
        "dataset tank/faf/data/mariadb is not mounted at /opt/faf/data/mariadb",
      ],
    ];
    for (const [name, props, message] of cases) {
      it(`refuses a dataset with ${name}, changing none of its properties`, () => {
        const host = new SimulatedHost();
        host.seedDataset("tank/faf/data/mariadb", props);
        const run = host.run(step("datasets").create);
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain(message);
        expect(run.stderr).toContain("Fix:");
        expect(mutations(run).filter((c) => c.includes("tank/faf/data/mariadb"))).toEqual([]);
      });
    }

    it("stops when a dataset it created did not get mounted", () => {
      const host = new SimulatedHost();
      const run = host.run(step("datasets").create, { FAKE_CREATE_UNMOUNTED: "1" });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("is not mounted at /opt/faf/data/");
    });
  });

  describe("snapshots: refquota for the size, our own snapshots pruned", () => {
    it("leaves a quota someone else set alone", () => {
      const host = new SimulatedHost();
      host.seedDataset("tank/faf/data/mariadb", {
        mountpoint: "/opt/faf/data/mariadb",
        quota: "1T",
        refquota: "100G",
        recordsize: "16K",
        compression: "lz4",
        atime: "off",
      });
      const run = host.run(step("datasets").create);
      expect(run.code, run.stderr).toBe(0);
      expect(mutations(run).filter((c) => c.includes("tank/faf/data/mariadb"))).toEqual([]);
    });

    it("prunes its own snapshots past the retention, keeps each dataset's newest, and touches no other snapshot", () => {
      const host = provisioned();
      const ours = (dataset: string, stamp: string) => `tank/faf/data/${dataset}@pulumi-${stamp}-0123456789`;
      host.seedSnapshots([
        ours("mariadb", "20200101T000000Z"),
        ours("mariadb", "20200201T000000Z"),
        ours("postgres", "20200101T000000Z"),
        "tank/faf/data/mariadb@manual-before-upgrade",
        "tank/faf/data/mariadb@pulumi-20200101T000000Z",
        "tank/faf/data/mariadb@zfs-auto-snap_daily-2020-01-01-0000",
        "tank/faf/data/wiki@pulumi-20200101T000000Z-0123456789",
      ]);
      const snapshot = dataSnapshotStep(settings, ["mariadb", "postgres"], "abcdef0123456789", 30);
      const run = host.run(snapshot.create);
      expect(run.code, run.stderr).toBe(0);
      const left = host.snapshots();
      expect(left).not.toContain(ours("mariadb", "20200101T000000Z"));
      expect(left).not.toContain(ours("mariadb", "20200201T000000Z"));
      expect(left).not.toContain(ours("postgres", "20200101T000000Z"));
      for (const kept of [
        "tank/faf/data/mariadb@manual-before-upgrade",
        "tank/faf/data/mariadb@pulumi-20200101T000000Z",
        "tank/faf/data/mariadb@zfs-auto-snap_daily-2020-01-01-0000",
        "tank/faf/data/wiki@pulumi-20200101T000000Z-0123456789",
      ]) {
        expect(left).toContain(kept);
      }
      expect(left.filter((s) => s.endsWith("-abcdef012345"))).toHaveLength(2);
      expect(
        mutations(run)
          .filter((c) => c.startsWith("MUTATE zfs destroy"))
          .every((c) => c.includes("@pulumi-")),
      ).toBe(true);
    });

    it("keeps a dataset's only snapshot of ours however old it is", () => {
      const host = provisioned();
      host.seedSnapshots(["tank/faf/data/mariadb@pulumi-20200101T000000Z-abcdef012345"]);
      const run = host.run(dataSnapshotStep(settings, ["mariadb"], "abcdef0123456789", 1).create);
      expect(run.code, run.stderr).toBe(0);
      expect(host.snapshots()).toEqual(["tank/faf/data/mariadb@pulumi-20200101T000000Z-abcdef012345"]);
      expect(mutations(run)).toEqual([]);
    });
  });

  describe("every mutating step checks the host itself, on every run", () => {
    it("refuses datasets, container storage, the module and snapshots on a pool that degraded since preflight", () => {
      const host = provisioned();
      host.write("/../state/pools/tank", "DEGRADED\n");
      const changed = serverSteps(settings, "faforever.com", { ...VOLUMES, extra: { ...VOLUMES.mariadb, folder: "extra" } });
      const runs = [
        host.run(changed.find((s) => s.role === "datasets")!.create),
        host.run(withModule({ containerStorage: { zvol: "nixos/rancher2", size: "10G" } }).create),
        host.run(changed.find((s) => s.role === "container-storage")!.create.replace("nixos/rancher", "nixos/other")),
        host.run(dataSnapshotStep(settings, ["mariadb"], "9999999999999999", 30).create),
      ];
      for (const run of runs) {
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain("ZFS pool tank is DEGRADED, not ONLINE; nothing was changed.");
        expect(mutations(run)).toEqual([]);
      }
      expect(host.datasets().has("tank/faf/data/extra")).toBe(false);
    });
  });

  describe("the module step builds first and switches only what is expected", () => {
    it("refuses to switch when the host's configuration holds other changes, and says which", () => {
      const host = provisioned();
      const before = host.currentSystem();
      const moduleBefore = host.read("/etc/nixos/faf-k3s.nix");
      host.write("/etc/nixos/hardware-configuration.nix", '{ ... }: { boot.kernelParams = [ "quiet" ]; }\n');
      const run = host.run(withModule(movedAddress).create);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("the host's configuration holds changes outside faf-k3s.nix that are not active yet");
      expect(run.stderr).toContain("fake-package: 1.0 → 2.0");
      expect(run.stderr).toContain("or set faf:host.applyOtherChanges: true");
      expect(mutations(run)).toEqual([]);
      expect(host.currentSystem()).toBe(before);
      expect(host.read("/etc/nixos/faf-k3s.nix")).toBe(moduleBefore);
    });

    it("switches them together with the module when faf:host.applyOtherChanges is set, with a warning", () => {
      const host = provisioned();
      host.write("/etc/nixos/hardware-configuration.nix", '{ ... }: { boot.kernelParams = [ "quiet" ]; }\n');
      const run = host.run(withModule({ ...movedAddress, applyOtherChanges: true }).create);
      expect(run.code, run.stderr).toBe(0);
      expect(stepWarnings(run.stdout)[0]).toContain("the host's configuration holds changes outside faf-k3s.nix, switched too");
      expect(mutations(run)).toEqual(["MUTATE nixos-rebuild switch"]);
    });

    it("changes nothing when the build fails", () => {
      const host = provisioned();
      const before = host.currentSystem();
      const moduleBefore = host.read("/etc/nixos/faf-k3s.nix");
      const run = host.run(withModule(movedAddress).create, {
        FAKE_FAIL_ONCE: "nixos-rebuild build",
        FAKE_FAIL_AT: "2",
      });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(
        "of the configuration with the new faf-k3s.nix failed; nothing was switched and faf-k3s.nix is as it was",
      );
      expect(mutations(run)).toEqual([]);
      expect(host.currentSystem()).toBe(before);
      expect(host.read("/etc/nixos/faf-k3s.nix")).toBe(moduleBefore);
    });

    it("puts the previous system and module back when the switch fails, and converges on the next run", () => {
      const host = provisioned();
      const before = host.currentSystem();
      const moduleBefore = host.read("/etc/nixos/faf-k3s.nix");
      const changed = withModule(movedAddress);
      const run = host.run(changed.create, { FAKE_FAIL_ONCE: "nixos-rebuild switch" });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(
        `nixos-rebuild switch failed; the previous system (${before}) is active again and faf-k3s.nix is as it was.`,
      );
      expect(host.currentSystem()).toBe(before);
      expect(realpathSync(join(host.root, "nix/var/nix/profiles/system"))).toBe(before);
      expect(host.read("/etc/nixos/faf-k3s.nix")).toBe(moduleBefore);
      const again = host.run(changed.create);
      expect(again.code, again.stderr).toBe(0);
      expect(mutations(again)).toEqual(["MUTATE nixos-rebuild switch"]);
      expect(host.currentSystem()).not.toBe(before);
    });
  });

  describe("smaller findings", () => {
    it("does not count an import that is only in a comment", () => {
      const host = new SimulatedHost({ importsModule: false });
      host.write(
        "/etc/nixos/configuration.nix",
        "{ ... }: {\n  # imports = [ ./faf-k3s.nix ];\n  imports = [ ./hardware-configuration.nix ];\n}\n",
      );
      const run = host.run(step("k3s-module").create);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("/etc/nixos/configuration.nix does not import faf-k3s.nix.");
      expect(host.exists("/etc/nixos/faf-k3s.nix")).toBe(false);
    });

    it.skipIf(!toolAvailable("nix-instantiate"))("reads the import with the real Nix parser too", () => {
      const host = new SimulatedHost({ importsModule: false });
      host.write(
        "/etc/nixos/configuration.nix",
        "{ ... }: {\n  /* ./faf-k3s.nix */ imports = [ ./hardware-configuration.nix ];\n}\n",
      );
      const real = mkdtempSync(join(tmpdir(), "faf-nixbin-"));
      const run = host.run(
        `for f in ${__dirname}/fakes/*; do [ "$(basename "$f")" = nix-instantiate ] || ln -s "$f" ${real}/; done; ln -s "$(command -v nix-instantiate)" ${real}/; NIX_REMOTE= NIX_STATE_DIR=${real}/s NIX_STORE_DIR=${real}/st NIX_LOG_DIR=${real}/l ${step("k3s-module").create}`,
        {},
        `${real}:/usr/bin:/bin`,
      );
      rmSync(real, { recursive: true, force: true });
      expect(run.stderr).toContain("/etc/nixos/configuration.nix does not import faf-k3s.nix.");
    });

    it("restores a lost cluster token from k3s's own copy before k3s starts again", () => {
      const host = provisioned();
      const token = host.read("/var/lib/faf/k3s-token").trim();
      rmSync(join(host.root, "var/lib/faf/k3s-token"));
      const run = host.run(withModule(movedAddress).create);
      expect(run.code, run.stderr).toBe(0);
      expect(host.read("/var/lib/faf/k3s-token").trim()).toBe(token);
      expect(stepWarnings(run.stdout)[0]).toContain("the cluster token /var/lib/faf/k3s-token was missing; restored it");
    });

    it("refuses to make a new token for an existing datastore", () => {
      const host = provisioned();
      rmSync(join(host.root, "var/lib/faf/k3s-token"));
      rmSync(join(host.root, "var/lib/rancher/k3s/server/token"));
      const run = host.run(withModule(movedAddress).create);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("the cluster token /var/lib/faf/k3s-token is missing, and k3s's datastore");
      expect(host.exists("/var/lib/faf/k3s-token")).toBe(false);
      expect(mutations(run)).toEqual([]);
    });

    it("refuses a token that differs from the one the datastore was made with", () => {
      const host = provisioned();
      host.write("/var/lib/faf/k3s-token", "another-token\n");
      const run = host.run(withModule(movedAddress).create);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("differs from the token k3s's datastore was created with");
      expect(mutations(run)).toEqual([]);
    });
  });
});
