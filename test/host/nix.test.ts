import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nixString, renderK3sModule } from "../../components/host/nix";
import { toolAvailable } from "../support/tools";

const module = renderK3sModule({
  nodeName: "fafprod3",
  tlsSans: ["fafprod3.example.org", "fafprod3.faforever.com"],
  containerStorageDevice: "/dev/zvol/tank/nixos/rancher",
  mountsBeforeK3s: ["/opt/faf/data/mariadb", "/opt/faf/data/replays"],
  oidc: { issuer: "https://hydra.faforever.com", clientId: "kubernetes" },
});
const nixAvailable = toolAvailable("nix-instantiate");

function nix(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "faf-nix-"));
  writeFileSync(join(dir, "faf-k3s.nix"), module);
  const result = spawnSync("nix-instantiate", [...args.map((a) => a.replace("MODULE", join(dir, "faf-k3s.nix")))], {
    encoding: "utf8",
    // No daemon, no store writes: parse and eval only read the file.
    env: {
      ...process.env,
      NIX_REMOTE: "",
      NIX_STATE_DIR: join(dir, "state"),
      NIX_STORE_DIR: join(dir, "store"),
      NIX_LOG_DIR: join(dir, "log"),
    },
  });
  rmSync(dir, { recursive: true, force: true });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("k3s NixOS module", () => {
  it("runs k3s as a server without the bundled Traefik, with the storage node label and the TLS names", () => {
    expect(module).toContain('role = "server";');
    for (const flag of [
      "--disable=traefik",
      "--node-name=fafprod3",
      "--node-label=openebs.io/nodeid=fafprod3",
      "--tls-san=fafprod3.example.org",
      "--write-kubeconfig-mode=0600",
    ]) {
      expect(module).toContain(`"${flag}"`);
    }
    expect(module).toContain('tokenFile = "/var/lib/faf/k3s-token";');
  });

  it("escapes what Nix would interpret in strings", () => {
    expect(nixString('a"b\\c${d}')).toBe('"a\\"b\\\\c\\${d}"');
  });

  it.skipIf(!nixAvailable)("parses with nix-instantiate --parse", () => {
    const result = nix(["--parse", "MODULE"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it.skipIf(!nixAvailable)("evaluates strictly with stub module arguments to the intended options", () => {
    const pkgs = `{ writeShellScript = name: text: "script " + name + ":" + text; util-linux = "/util-linux"; }`;
    const expr = `let m = import MODULE; in m { config = {}; pkgs = ${pkgs}; lib = { mkDefault = x: x; }; }`;
    const result = nix(["--eval", "--strict", "--json", "-E", expr]);
    expect(result.stderr).toBe("");
    const value = JSON.parse(result.stdout) as Record<string, any>;
    expect(value.services.k3s).toEqual({
      enable: true,
      role: "server",
      tokenFile: "/var/lib/faf/k3s-token",
      extraFlags:
        "--disable=traefik --node-name=fafprod3 --node-label=openebs.io/nodeid=fafprod3 --tls-san=fafprod3.example.org --tls-san=fafprod3.faforever.com --write-kubeconfig-mode=0600" +
        " --kube-apiserver-arg=oidc-issuer-url=https://hydra.faforever.com --kube-apiserver-arg=oidc-client-id=kubernetes" +
        " --kube-apiserver-arg=oidc-username-claim=sub --kube-apiserver-arg=oidc-username-prefix=oidc:" +
        " --kube-apiserver-arg=oidc-groups-claim=groups --kube-apiserver-arg=oidc-groups-prefix=oidc:",
    });
    // nofail and a device timeout: a missing zvol must not send the host into emergency mode.
    expect(value.fileSystems["/var/lib/rancher"]).toEqual({
      device: "/dev/zvol/tank/nixos/rancher",
      fsType: "ext4",
      options: ["nofail", "x-systemd.device-timeout=60s"],
    });
    expect(value.systemd.services.k3s.unitConfig.RequiresMountsFor).toEqual(["/var/lib/rancher"]);
    // k3s checks every data dataset's mount, not only the parent's, before it starts.
    const [check] = value.systemd.services.k3s.serviceConfig.ExecStartPre as string[];
    expect(check).toContain("script faf-k3s-data-mounts:");
    expect(check).toContain("for path in '/opt/faf/data/mariadb' '/opt/faf/data/replays'; do");
    expect(check).toContain('/util-linux/bin/mountpoint -q "$path" ||');
  });

  it.skipIf(!nixAvailable)("stops k3s when a data mount is missing, as the check script runs", () => {
    const pkgs = `{ writeShellScript = name: text: text; util-linux = ""; }`;
    const expr = `let m = import MODULE; in m { config = {}; pkgs = ${pkgs}; lib = { mkDefault = x: x; }; }`;
    const result = nix(["--eval", "--strict", "--json", "-E", expr]);
    const [check] = JSON.parse(result.stdout).systemd.services.k3s.serviceConfig.ExecStartPre as string[];
    const run = spawnSync("bash", ["-c", check!.replace("/bin/mountpoint", "mountpoint")], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "faf: /opt/faf/data/mariadb is not mounted (its ZFS dataset is missing or unmounted); k3s stays down",
    );
  });
});
