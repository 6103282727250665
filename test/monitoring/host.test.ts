import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HOST_METRICS_PORTS, renderK3sModule } from "../../components/host/nix";
import { HOST_EXPORTER_PORTS } from "../../components/monitoring/targets";
import { toolAvailable } from "../support/tools";

const input = {
  nodeName: "fafprod3",
  tlsSans: ["fafprod3.faforever.com"],
  containerStorageDevice: "/dev/zvol/tank/nixos/rancher",
  mountsBeforeK3s: ["/opt/faf/data"],
};
const nixAvailable = toolAvailable("nix-instantiate");
const shellcheckAvailable = toolAvailable("shellcheck");

/** Evaluates the module with stand-ins for nixpkgs (only what it reads) and returns its value. */
function evaluate(module: string): any {
  const dir = mkdtempSync(join(tmpdir(), "faf-nix-"));
  try {
    writeFileSync(join(dir, "m.nix"), module);
    const expr = `let m = import ${join(dir, "m.nix")}; in m { config = {}; pkgs = { openssl = "openssl"; coreutils = "coreutils"; util-linux = "/util-linux"; writeShellScript = name: text: "/nix/store/" + name; }; lib = { mkDefault = x: x; }; }`;
    const result = spawnSync("nix-instantiate", ["--eval", "--strict", "--json", "--expr", expr], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("host metrics in the k3s NixOS module", () => {
  it("adds nothing when monitoring is off", () => {
    expect(renderK3sModule(input)).not.toContain("prometheus");
    expect(renderK3sModule(input)).toBe(renderK3sModule({ ...input, hostMetrics: false }));
  });

  it("uses the ports the scraper is configured for", () => {
    expect(HOST_METRICS_PORTS).toEqual(HOST_EXPORTER_PORTS);
  });

  it("names the reason for every privilege it grants", () => {
    const module = renderK3sModule({ ...input, hostMetrics: true });
    expect(module).toMatch(/Privilege: read access to\s+# \/dev\/zfs/);
    expect(module).toMatch(/Privilege: root, because k3s keeps its\s+# certificates readable by root only/);
    expect(module).toContain("NixOS runs it as its own unprivileged user");
  });

  it.skipIf(!nixAvailable)(
    "evaluates: exporters on, their ports open to the pod network only, an hourly certificate timer",
    () => {
      const value = evaluate(renderK3sModule({ ...input, hostMetrics: true }));
      expect(value.services.prometheus.exporters.node).toMatchObject({
        enable: true,
        port: 9100,
        enabledCollectors: ["textfile"],
      });
      expect(value.services.prometheus.exporters.zfs).toEqual({ enable: true, port: 9134 });
      expect(value.networking.firewall.interfaces.cni0.allowedTCPPorts).toEqual([9100, 9134]);
      expect(value.networking.firewall.allowedTCPPorts).toBeUndefined();
      expect(value.systemd.timers["faf-k3s-cert-metrics"].timerConfig).toEqual({ OnBootSec: "5m", OnUnitActiveSec: "1h" });
    },
  );

  it.skipIf(!nixAvailable || !shellcheckAvailable)(
    "writes certificate metrics with a script that passes shellcheck and prints one line per leaf certificate",
    () => {
      const value = evaluate(renderK3sModule({ ...input, hostMetrics: true }));
      const script = value.systemd.services["faf-k3s-cert-metrics"].script as string;
      const dir = mkdtempSync(join(tmpdir(), "faf-cert-"));
      try {
        writeFileSync(join(dir, "s.sh"), `#!/usr/bin/env bash\nset -euo pipefail\n${script}`);
        const check = spawnSync("shellcheck", [join(dir, "s.sh")], { encoding: "utf8" });
        expect(check.stdout).toBe("");
        // Run it against a fake root: certificates of k3s's layout, openssl and date faked.
        const root = join(dir, "root");
        const fakeBin = join(dir, "bin");
        const run = script
          .replaceAll("/var/lib/rancher", `${root}/var/lib/rancher`)
          .replaceAll("/var/lib/faf-metrics", `${root}/metrics`);
        writeFileSync(join(dir, "run.sh"), `set -euo pipefail\n${run}`);
        spawnSync("mkdir", [
          "-p",
          `${root}/var/lib/rancher/k3s/server/tls`,
          `${root}/var/lib/rancher/k3s/agent`,
          `${root}/metrics`,
          fakeBin,
        ]);
        for (const f of [
          "server/tls/serving-kube-apiserver.crt",
          "server/tls/client-admin.crt",
          "server/tls/server-ca.crt",
          "agent/client-kubelet.crt",
        ]) {
          writeFileSync(`${root}/var/lib/rancher/k3s/${f}`, "x");
        }
        writeFileSync(join(fakeBin, "openssl"), '#!/bin/sh\necho "notAfter=Jan  1 00:00:00 2027 GMT"\n', { mode: 0o755 });
        const result = spawnSync("bash", [join(dir, "run.sh")], {
          encoding: "utf8",
          env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH ?? ""}` },
        });
        expect(result.stderr).toBe("");
        const metrics = spawnSync("cat", [`${root}/metrics/k3s-certificates.prom`], { encoding: "utf8" }).stdout;
        const lines = metrics.split("\n").filter((l) => l.startsWith("faf_k3s"));
        expect(lines.sort()).toEqual([
          'faf_k3s_certificate_not_after_seconds{file="client-admin.crt"} 1798761600',
          'faf_k3s_certificate_not_after_seconds{file="client-kubelet.crt"} 1798761600',
          'faf_k3s_certificate_not_after_seconds{file="serving-kube-apiserver.crt"} 1798761600',
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
