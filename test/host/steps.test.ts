import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VOLUMES } from "../../components/cluster/storage-table";
import { certificateWarning, rewriteKubeconfig } from "../../components/host/kubeconfig";
import { datasetTable, remoteCommand, serverSteps, stepScript, zfsSize } from "../../components/host/steps";
import { toolAvailable } from "../support/tools";
import { HOST_SETTINGS } from "./fixtures";
import { tempDir } from "../support/temp";

const host = {
  ...HOST_SETTINGS,
  nixosConfig: "/etc/nixos/machines/prod3/configuration.nix",
  rebuild: "nixos-rebuild switch --flake /etc/nixos#fafprod3",
};
const shellcheckAvailable = toolAvailable("shellcheck");

describe("storage table on the host", () => {
  it("gives every one of FAF's 16 volumes and the 3 backup volumes a dataset under the parent and a mountpoint under the data path", () => {
    const table = datasetTable(host);
    expect(table).toHaveLength(19);
    expect(table.map((r) => r.volume).sort()).toEqual(Object.keys(VOLUMES).sort());
    expect(table.find((r) => r.volume === "faf-featured-mods")).toMatchObject({
      dataset: "tank/faf/data/legacy-featured-mod-files",
      mountpoint: "/opt/faf/data/legacy-featured-mod-files",
      refquota: "150G",
      refquotaBytes: 150 * 1024 ** 3,
    });
  });

  it("converts Kubernetes sizes to ZFS quotas", () => {
    expect(zfsSize("1Gi")).toEqual({ size: "1G", bytes: 1024 ** 3 });
    expect(zfsSize("512Mi")).toEqual({ size: "512M", bytes: 512 * 1024 ** 2 });
    expect(() => zfsSize("10GB")).toThrow("volume size 10GB is not in Mi, Gi or Ti");
  });
});

describe("remote commands", () => {
  it("hand variables with quotes and newlines to the script unchanged", () => {
    const value = 'it\'s\n$HOME `x` "q"';
    const result = spawnSync("bash", ["-c", remoteCommand('printf "%s" "$FAF_VALUE"', { FAF_VALUE: value })], {
      encoding: "utf8",
    });
    expect(result.stdout).toBe(value);
  });

  it("carry the script verbatim so a preview shows a changed line", () => {
    const command = remoteCommand(stepScript("preflight.sh"), { FAF_POOL: "tank" });
    expect(command).toContain('health=$(zpool list -H -o health "$FAF_POOL" 2>/dev/null)');
    expect(command.startsWith(`FAF_POOL='tank' bash -c "$(cat <<'FAF_STEP_EOF'\n#!/usr/bin/env bash\n`)).toBe(true);
  });

  it("give the script no standard input to swallow: a command that reads it leaves the rest of the script alone", () => {
    // With `bash -s <<EOF`, `cat` here printed the rest of the script instead of running it.
    const result = spawnSync("bash", ["-c", remoteCommand('cat\necho "after: $FAF_X"', { FAF_X: "ran" })], {
      encoding: "utf8",
      input: "outer input\n",
    });
    expect(result.stdout).toBe("after: ran\n");
    expect(result.status).toBe(0);
  });

  it("refuse variables outside FAF_*", () => {
    expect(() => remoteCommand("true", { PATH: "/tmp" })).toThrow("step variable PATH must be FAF_*");
  });
});

describe("server steps", () => {
  const steps = serverSteps(host, "faforever.com");

  it("run preflight, datasets, container storage, the module, readiness, then read kubeconfig and certificates", () => {
    expect(steps.map((s) => s.role)).toEqual([
      "preflight",
      "datasets",
      "container-storage",
      "k3s-module",
      "ready",
      "kubeconfig",
      "certificates",
    ]);
  });

  it("mark only the kubeconfig's output secret, and give only the datasets a delete (which reports)", () => {
    expect(steps.filter((s) => s.secretOutput).map((s) => s.role)).toEqual(["kubeconfig"]);
    expect(steps.filter((s) => s.delete).map((s) => s.role)).toEqual(["datasets"]);
  });

  it("write the module beside the configuration that imports it and rebuild the host's flake", () => {
    const module = steps.find((s) => s.role === "k3s-module")!.create;
    expect(module).toContain("FAF_MODULE_FILE='/etc/nixos/machines/prod3/faf-k3s.nix'");
    expect(module).toContain("FAF_REBUILD_ARGS='--flake /etc/nixos#fafprod3'");
  });

  it("read the kubeconfig and certificates again whenever the module changes", () => {
    const other = serverSteps({ ...host, nodes: [{ ...host.nodes[0]!, address: "203.0.113.8" }] }, "faforever.com");
    for (const role of ["ready", "kubeconfig", "certificates"]) {
      expect(other.find((s) => s.role === role)!.create).not.toBe(steps.find((s) => s.role === role)!.create);
    }
    expect(other.find((s) => s.role === "datasets")!.create).toBe(steps.find((s) => s.role === "datasets")!.create);
  });

  it.skipIf(!shellcheckAvailable)("pass shellcheck, as assembled and as the fakes are", () => {
    const dir = tempDir("faf-sc-");
    const files = readdirSync(join(__dirname, "..", "..", "components", "host", "scripts"))
      .filter((f) => f.endsWith(".sh") && f !== "lib.sh" && f !== "checks.sh")
      .map((f) => {
        const path = join(dir, f);
        writeFileSync(path, stepScript(f));
        return path;
      });
    const fakes = join(__dirname, "fakes");
    const result = spawnSync("shellcheck", ["-x", "-s", "bash", ...files, ...readdirSync(fakes).map((f) => join(fakes, f))], {
      encoding: "utf8",
      cwd: fakes,
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("kubeconfig", () => {
  const k3s =
    "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: Q0E=\n    server: https://127.0.0.1:6443\n  name: default\ncontexts:\n- context:\n    cluster: default\n    user: default\n  name: default\ncurrent-context: default\nkind: Config\nusers:\n- name: default\n  user:\n    client-key-data: S0VZ\n";

  it("points at the host and names everything after the node, keeping the credentials", () => {
    const rewritten = rewriteKubeconfig(k3s, "203.0.113.7", "fafprod3");
    expect(rewritten).toContain("server: https://203.0.113.7:6443");
    expect(rewritten).toContain("current-context: fafprod3");
    expect(rewritten).toContain("client-key-data: S0VZ");
    expect(rewritten).toContain("certificate-authority-data: Q0E=");
    expect(rewritten).not.toContain("default");
  });

  it("brackets an IPv6 address", () => {
    expect(rewriteKubeconfig(k3s, "2001:db8::7", "n")).toContain("server: https://[2001:db8::7]:6443");
  });

  it("refuses what is not a kubeconfig, without echoing it", () => {
    expect(() => rewriteKubeconfig("secret-ish text", "h", "fafprod3")).toThrow(
      "the kubeconfig read from fafprod3 has no cluster server",
    );
  });
});

describe("certificate expiry warning", () => {
  const now = new Date("2026-11-22T00:00:00Z");

  it("stays quiet with 30 days or more left", () => {
    expect(certificateWarning("2026-12-22T00:00:00Z", now, "fafprod3", "h")).toBeUndefined();
  });

  it("warns with fewer than 30 days left and gives the renewal commands", () => {
    const warning = certificateWarning("2026-12-01T00:00:00Z", now, "fafprod3", "203.0.113.7");
    expect(warning).toContain("k3s certificates on fafprod3 expire on 2026-12-01T00:00:00Z (9 days)");
    expect(warning).toContain("ssh root@203.0.113.7 'systemctl restart k3s'");
    expect(warning).toContain("k3s certificate rotate");
  });
});
