import { describe, expect, it } from "vitest";
import { SERVICE_NAMES } from "../../components/apps/catalogue";
import { decodeConfigValue, parseSettings, type RawConfig } from "../../components/config/parse";
import { buildProfile } from "../../components/config/profile";
import { HOST_VALUE, LOCAL_SETTINGS, PROD_SETTINGS, SETTINGS_CONTEXT } from "../support/settings";

const context = SETTINGS_CONTEXT;
const local = LOCAL_SETTINGS;

function messageOf(raw: RawConfig): string {
  const result = parseSettings(raw, context);
  if (result.ok) throw new Error("expected the settings to be rejected");
  return result.message;
}

describe("stack settings", () => {
  it("accepts a minimal local stack and defaults services to all", () => {
    const result = parseSettings(local, context);
    expect(result).toEqual({
      ok: true,
      settings: {
        environment: "local",
        baseDomain: "faforever.localhost",
        kubernetes: { context: "default" },
        storage: { dataPath: "/var/lib/faf-data" },
        secrets: { source: "generated" },
        services: "all",
        tls: { mode: "self-signed" },
        behindCloudflare: false,
        access: { adminGroups: [], maintainerGroups: [] },
        backups: { schedule: "30 3 * * *", retentionDays: 14, zfsSnapshots: true, snapshotRetentionDays: 30 },
        argocd: {
          enabled: true,
          oidcClientId: "argocd",
          rendersRepo: "https://github.com/FAForever/faf-infra.git",
          rendersRevision: "rendered",
        },
      },
    });
  });

  it("names an unknown key, the stack file and the fix", () => {
    expect(messageOf({ ...local, "faf:baseDomian": "x.org" })).toBe(
      [
        "Invalid settings in Pulumi.dev.yaml:",
        "  - faf:baseDomian: unknown key. Fix: remove it from Pulumi.dev.yaml (pulumi config rm faf:baseDomian --stack dev) or correct its spelling.",
      ].join("\n"),
    );
  });

  it("names an unknown nested key with a --path fix", () => {
    expect(messageOf({ ...local, "faf:kubernetes": '{"context":"default","contxt":"x"}' })).toBe(
      [
        "Invalid settings in Pulumi.dev.yaml:",
        "  - faf:kubernetes.contxt: unknown key. Fix: remove it from Pulumi.dev.yaml (pulumi config rm --path faf:kubernetes.contxt --stack dev) or correct its spelling.",
      ].join("\n"),
    );
  });

  it("names a value of the wrong type and what it should be", () => {
    expect(messageOf({ ...local, "faf:baseDomain": "42" })).toBe(
      [
        "Invalid settings in Pulumi.dev.yaml:",
        "  - faf:baseDomain: expected a text value, got number 42. Fix: set it to a domain such as faforever.com.",
      ].join("\n"),
    );
  });

  it("names a missing required value and the command that sets it", () => {
    const { "faf:baseDomain": _removed, ...withoutDomain } = local;
    expect(messageOf(withoutDomain)).toBe(
      [
        "Invalid settings in Pulumi.dev.yaml:",
        "  - faf:baseDomain: missing. Fix: pulumi config set faf:baseDomain <value> --stack dev (a domain such as faforever.com).",
      ].join("\n"),
    );
  });

  it("names a value outside its allowed set", () => {
    expect(messageOf({ ...local, "faf:environment": "dev" })).toBe(
      [
        "Invalid settings in Pulumi.dev.yaml:",
        '  - faf:environment: expected one of prod, test, local, got "dev". Fix: use one of those values.',
      ].join("\n"),
    );
  });

  it("requires the host name outside local", () => {
    expect(messageOf({ ...local, "faf:environment": "prod", "faf:baseDomain": "faforever.com" })).toBe(
      [
        "Invalid settings in Pulumi.dev.yaml:",
        "  - faf:hostName: missing; required when environment is prod. Fix: pulumi config set faf:hostName <value> --stack dev (the machine's host name, such as fafprod3).",
      ].join("\n"),
    );
  });

  it("rejects a service the catalogue does not know", () => {
    expect(messageOf({ ...local, "faf:services": '["faf-api","faf-apii"]' })).toBe(
      [
        "Invalid settings in Pulumi.dev.yaml:",
        `  - faf:services[1]: unknown service; known: ${SERVICE_NAMES.join(", ")} (got "faf-apii"). Fix: set it to all, or a list of service names such as ["faf-api"].`,
      ].join("\n"),
    );
  });

  it("rejects provider settings outside the faf namespace", () => {
    expect(messageOf({ ...local, "kubernetes:context": "other" })).toContain(
      "kubernetes:context: not a faf setting; this program configures its providers itself (faf:kubernetes for the cluster). Fix: pulumi config rm kubernetes:context --stack dev.",
    );
  });

  it("reports every problem at once", () => {
    const message = messageOf({ "faf:environment": "dev", "faf:bogus": "1", "faf:kubernetes": "{}" });
    expect(
      message
        .split("\n")
        .filter((line) => line.startsWith("  - "))
        .map((line) => line.split(":").slice(0, 2).join(":")),
    ).toEqual(["  - faf:environment", "  - faf:baseDomain", "  - faf:kubernetes.context", "  - faf:secrets", "  - faf:bogus"]);
  });
});

describe("config values", () => {
  it("decodes structured values from JSON and leaves plain text as text", () => {
    expect(decodeConfigValue('{"context":"x"}')).toEqual({ context: "x" });
    expect(decodeConfigValue("faforever.com")).toBe("faforever.com");
    expect(decodeConfigValue("2")).toBe(2);
  });
});

describe("profile", () => {
  const parse = (raw: RawConfig) => {
    const result = parseSettings(raw, context);
    if (!result.ok) throw new Error(result.message);
    return buildProfile(result.settings);
  };

  it("adds the dependencies of a service asked for alone", () => {
    const profile = parse({ ...local, "faf:services": '["faf-api"]' });
    expect(profile.services.workloads.map((w) => w.name)).toEqual(["faf-db-migrations", "ory-hydra", "faf-api"]);
    expect(profile.services.added).toEqual(["faf-db-migrations", "ory-hydra"]);
    expect(profile.services.dataServices).toEqual(["mariadb", "postgres", "rabbitmq"]);
  });

  it("serves plain HTTP too without a certificate, and only HTTPS with one", () => {
    expect(parse(local).ingress).toEqual({ entryPoints: ["web", "websecure"], tls: undefined });
    const prod = parse({ ...local, "faf:environment": "prod", "faf:baseDomain": "faforever.com", "faf:hostName": "fafprod3" });
    expect(prod.storage).toEqual({ kind: "hostPath", dataPath: "/var/lib/faf-data", node: undefined });
    expect(prod.ingress).toEqual({ entryPoints: ["web", "websecure"], tls: undefined });
    const withCert = parse({ ...local, "faf:tls": '{"mode":"secret","secretName":"cloudflare-faf-com"}' });
    expect(withCert.ingress).toEqual({ entryPoints: ["websecure"], tls: {} });
    const acme = parse({ ...local, "faf:tls": '{"mode":"letsencrypt","email":"admin@faforever.com"}' });
    expect(acme.ingress).toEqual({ entryPoints: ["websecure"], tls: { certResolver: "letsencrypt" } });
  });

  it("names a backup schedule that is not cron and a retention out of range", () => {
    const message = messageOf({ ...local, "faf:backups": '{"schedule":"nightly","retentionDays":0}' });
    expect(message).toContain(
      'faf:backups.schedule: expected a cron schedule, but it has 1 fields; a schedule has five (minute hour day-of-month month day-of-week) (got "nightly"). Fix: set it to five cron fields such as "30 3 * * *".',
    );
    expect(message).toContain(
      "faf:backups.retentionDays: expected at least 1, got number 0. Fix: set it to a number of days from 1 to 365.",
    );
  });

  it("snapshots datasets before data changes only where a host is provisioned", () => {
    expect(parse(local).backups).toEqual({
      schedule: "30 3 * * *",
      retentionDays: 14,
      zfsSnapshots: false,
      snapshotRetentionDays: 30,
    });
  });

  it("protects data only where real data lives", () => {
    expect(parse(local).protectData).toBe(false);
    expect(parse({ ...local, "faf:environment": "test", "faf:hostName": "faftest2" }).protectData).toBe(true);
  });
});

describe("host settings", () => {
  const hostValue = HOST_VALUE;
  const prod = PROD_SETTINGS;

  it("fills the host defaults: data path, NixOS configuration, rebuild command, SSH port and user", () => {
    const result = parseSettings(prod, context);
    if (!result.ok) throw new Error(result.message);
    expect(result.settings.host).toMatchObject({
      dataPath: "/opt/faf/data",
      nixosConfig: "/etc/nixos/configuration.nix",
      rebuild: "nixos-rebuild switch",
      readyTimeoutSeconds: 600,
      nodes: [{ port: 22, user: "root" }],
    });
  });

  it("reads the SSH key only as a secret: the parsed settings hold a marker, never the key", () => {
    const result = parseSettings(
      { ...prod, "faf:sshPrivateKey": "-----BEGIN KEY-----" },
      { ...context, secretKeys: ["faf:sshPrivateKey"] },
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.settings.sshPrivateKey).toBe("[secret]");
    expect(JSON.stringify(result.settings)).not.toContain("BEGIN KEY");
  });

  it("refuses an SSH key stored in plaintext", () => {
    expect(messageOf({ ...prod, "faf:sshPrivateKey": "-----BEGIN KEY-----" })).toBe(
      [
        "Invalid settings in Pulumi.dev.yaml:",
        "  - faf:sshPrivateKey: stored in plaintext in Pulumi.dev.yaml. Fix: pulumi config set --secret faf:sshPrivateKey --stack dev (the value is then encrypted).",
      ].join("\n"),
    );
  });

  it("refuses an encrypted value for a setting that is not a secret", () => {
    const result = parseSettings(prod, { ...context, secretKeys: ["faf:baseDomain"] });
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toContain(
      "faf:baseDomain: encrypted, but it is not a secret setting and would end up in plaintext in the state.",
    );
  });

  it("wants exactly one of kubernetes and host", () => {
    expect(messageOf({ ...prod, "faf:kubernetes": '{"context":"x"}' })).toContain(
      "faf:host: faf:kubernetes and faf:host are exclusive: keep one",
    );
    const { "faf:host": _h, ...neither } = prod;
    expect(messageOf(neither)).toContain(
      "faf:kubernetes: missing; set faf:kubernetes (an existing cluster) or faf:host (provision one). Fix: pulumi config set faf:kubernetes <value>",
    );
  });

  it("keeps room for agent nodes but says they are not provisioned yet", () => {
    const withAgent = { ...hostValue, nodes: [...hostValue.nodes, { ...hostValue.nodes[0]!, name: "fafagent1", role: "agent" }] };
    expect(messageOf({ ...prod, "faf:host": JSON.stringify(withAgent) })).toContain(
      "faf:host.nodes[1].role: agent nodes are not provisioned yet; only the single server is",
    );
  });

  it("insists the server node is the stack's host name", () => {
    expect(messageOf({ ...prod, "faf:hostName": "faftest2" })).toContain(
      'faf:host.nodes[0].name: the server node must be faf:hostName (faftest2) (got "fafprod3")',
    );
  });

  it("rejects a host key that is not an SSH public key", () => {
    const bad = { ...hostValue, nodes: [{ ...hostValue.nodes[0]!, hostKey: "yes" }] };
    expect(messageOf({ ...prod, "faf:host": JSON.stringify(bad) })).toContain(
      'faf:host.nodes[0].hostKey: expected an SSH public host key such as ssh-ed25519 AAAA... (got "yes")',
    );
  });
});
