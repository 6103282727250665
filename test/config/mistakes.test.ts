import { describe, expect, it } from "vitest";
import { SERVICE_NAMES } from "../../components/apps/catalogue";
import { parseSettings, type RawConfig } from "../../components/config/parse";
import { HOST_VALUE, LOCAL_SETTINGS, PROD_SETTINGS, SETTINGS_CONTEXT } from "../support/settings";

/**
 * Every class of settings mistake a fuzz of stack files found accepted without a word; each
 * is refused with a message that names the key, the bad value and the fix.
 */
const context = SETTINGS_CONTEXT;
const local = LOCAL_SETTINGS;
const hostValue = HOST_VALUE;
const prod = PROD_SETTINGS;
const withHost = (change: Record<string, unknown>): RawConfig => ({
  ...prod,
  "faf:host": JSON.stringify({ ...hostValue, ...change }),
});
const withNode = (change: Record<string, unknown>) => withHost({ nodes: [{ ...hostValue.nodes[0], ...change }] });

/** The lines of the message after its heading. */
function problems(raw: RawConfig): string[] {
  const result = parseSettings(raw, context);
  if (result.ok) throw new Error("expected the settings to be rejected");
  const [heading, ...lines] = result.message.split("\n");
  expect(heading).toBe("Invalid settings in Pulumi.dev.yaml:");
  return lines.map((line) => line.replace(/^ {2}- /, ""));
}

describe("settings are validated for what they become", () => {
  it("refuses a DNS label longer than 63 characters in the domain", () => {
    const label = "a".repeat(64);
    expect(problems({ ...local, "faf:baseDomain": `${label}.org` })).toEqual([
      `faf:baseDomain: expected a lower-case DNS name, but it has the label "aaaaaaaaaaaaaaaaaaaa…" of 64 characters; a DNS label has at most 63 (got "${label}.org"). Fix: set it to a domain such as faforever.com.`,
    ]);
  });

  it("refuses a host name with an empty label or upper case", () => {
    expect(problems({ ...prod, "faf:hostName": "fafprod3." })).toEqual([
      'faf:hostName: expected a lower-case DNS name, but it has an empty label (two dots, or a dot at an end) (got "fafprod3."). Fix: set it to the machine\'s host name, such as fafprod3.',
      'faf:host.nodes[0].name: the server node must be faf:hostName (fafprod3.) (got "fafprod3"). Fix: set it to a valid value.',
    ]);
  });

  it.each([
    ["300.1.2.3", "looks like an IPv4 address but is not one (four numbers of 0-255)"],
    ["ssh://fafprod3.faforever.com", "is a URL or a path; give the host name or IP address alone"],
    ["fafprod3 .faforever.com", "contains a space"],
    ["fafprod3.faforever.com:22", "is neither a host name nor an IP address (a port belongs in the port setting)"],
  ])("refuses the node address %s", (address, why) => {
    expect(problems(withNode({ address }))).toEqual([
      `faf:host.nodes[0].address: expected a host name or an IP address, but it ${why} (got "${address}"). Fix: set it to the host name or IP address SSH reaches, such as fafprod3.faforever.com or 203.0.113.7.`,
    ]);
  });

  it("accepts IPv4, IPv6 and host names as node addresses", () => {
    for (const address of ["203.0.113.7", "2001:db8::7", "fafprod3.faforever.com"]) {
      expect(parseSettings(withNode({ address }), context).ok).toBe(true);
    }
  });

  it("refuses a TLS secret name that is not a Kubernetes name", () => {
    expect(problems({ ...prod, "faf:tls": '{"mode":"secret","secretName":"Cloudflare_Cert"}' })).toEqual([
      "faf:tls.secretName: expected a Kubernetes Secret name, but it is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit) (got \"Cloudflare_Cert\"). Fix: set it to the name of a TLS Secret in the traefik namespace, such as cloudflare-faf-com.",
    ]);
  });

  it.each([
    ["/opt/faf/../data", "has a . or .. segment"],
    ["/opt/faf/data/", "ends with a slash"],
    ["/", "is the root directory itself"],
    ["opt/faf/data", "is not an absolute path"],
  ])("refuses the data path %s", (dataPath, why) => {
    expect(problems(withHost({ dataPath }))).toEqual([
      `faf:host.dataPath: expected an absolute path, but it ${why} (got "${dataPath}"). Fix: set it to an absolute directory such as /opt/faf/data.`,
    ]);
    expect(problems({ ...local, "faf:storage": JSON.stringify({ dataPath }) })[0]).toContain(
      `faf:storage.dataPath: expected an absolute path, but it ${why}`,
    );
  });

  it("refuses a container-storage zvol that is the data datasets' parent, or inside it", () => {
    for (const zvol of ["faf/data", "faf/data/rancher"]) {
      expect(problems(withHost({ containerStorage: { zvol, size: "200G" } }))).toEqual([
        `faf:host.containerStorage.zvol: the zvol tank/${zvol} must lie outside the data datasets' parent tank/faf/data (and not contain it): the datasets step lists everything below the parent as data (got "${zvol}"). Fix: set it to a zvol path below the pool outside the data datasets, such as nixos/rancher.`,
      ]);
    }
    expect(problems(withHost({ containerStorage: { zvol: "faf", size: "200G" } }))[0]).toContain("must lie outside");
  });

  it("refuses a zero size", () => {
    expect(problems(withHost({ containerStorage: { zvol: "nixos/rancher", size: "0G" } }))).toEqual([
      'faf:host.containerStorage.size: expected a size of at least 1G, such as 200G (got "0G"). Fix: set it to a size of at least 1G, such as 200G.',
    ]);
  });

  it.each([
    ["61 3 * * *", "is not a valid schedule: Constraint error, got value 61 expected range 0-59"],
    ["30 3 * * * *", "has 6 fields; a schedule has five (minute hour day-of-month month day-of-week)"],
    ["a b c d e", "is not a valid schedule: Invalid characters, got value: a"],
  ])("refuses the backup schedule %s", (schedule, why) => {
    expect(problems({ ...local, "faf:backups": JSON.stringify({ schedule }) })).toEqual([
      `faf:backups.schedule: expected a cron schedule, but it ${why} (got "${schedule}"). Fix: set it to five cron fields such as "30 3 * * *".`,
    ]);
  });

  it("refuses a NixOS configuration that is not a .nix file, a bad SSH user, a bad node name and a service listed twice", () => {
    expect(problems(withHost({ nixosConfig: "/etc/nixos" }))).toEqual([
      'faf:host.nixosConfig: expected the path of a .nix file (got "/etc/nixos"). Fix: set it to the absolute path of the NixOS configuration file, such as /etc/nixos/configuration.nix.',
    ]);
    expect(problems(withNode({ user: "root admin" }))[0]).toBe(
      'faf:host.nodes[0].user: expected a Unix user name such as root (got "root admin"). Fix: set it to a valid value.',
    );
    expect(problems({ ...local, "faf:storage": '{"dataPath":"/var/lib/faf-data","node":"My Laptop"}' })[0]).toContain(
      "faf:storage.node: expected a Kubernetes node name, but it is not a Kubernetes name",
    );
    expect(problems({ ...local, "faf:services": '["faf-api","faf-api"]' })).toEqual([
      'faf:services: expected each service once; one is listed twice (got the list ["faf-api","faf-api"]). Fix: set it to all, or a list of service names such as ["faf-api"].',
    ]);
  });

  it("refuses an Infisical API over plain http", () => {
    const secrets = { source: "infisical", projectSlug: "p", environment: "prod", hostAPI: "http://infisical.example.org/api" };
    expect(problems({ ...prod, "faf:secrets": JSON.stringify(secrets) })).toEqual([
      `faf:secrets.hostAPI: expected an https:// URL: the machine identity's credentials travel over it (got "http://infisical.example.org/api"). Fix: set it to the https:// URL of the Infisical API, such as https://app.infisical.com/api.`,
    ]);
  });
});

describe("settings that would have no effect are refused", () => {
  it("refuses storage settings on a host stack", () => {
    expect(problems({ ...prod, "faf:storage": '{"dataPath":"/var/lib/faf-data"}' })).toEqual([
      "faf:storage: has no effect with faf:host: volumes live in the host's datasets under faf:host.dataPath. Fix: remove it (pulumi config rm faf:storage --stack dev).",
    ]);
  });

  it("refuses ZFS snapshot settings and an SSH key where no host is provisioned", () => {
    expect(
      problems({ ...local, "faf:backups": '{"zfsSnapshots":true,"snapshotRetentionDays":7}', "faf:sshPrivateKey": "x" }),
    ).toEqual([
      "faf:sshPrivateKey: stored in plaintext in Pulumi.dev.yaml. Fix: pulumi config set --secret faf:sshPrivateKey --stack dev (the value is then encrypted).",
      "faf:sshPrivateKey: has no effect without faf:host: no machine is reached over SSH. Fix: remove it (pulumi config rm faf:sshPrivateKey --stack dev).",
      "faf:backups.zfsSnapshots: has no effect without faf:host: ZFS snapshots are taken on a provisioned host only. Fix: remove it (pulumi config rm --path faf:backups.zfsSnapshots --stack dev).",
      "faf:backups.snapshotRetentionDays: has no effect without faf:host: ZFS snapshots are taken on a provisioned host only. Fix: remove it (pulumi config rm --path faf:backups.snapshotRetentionDays --stack dev).",
    ]);
  });

  it("refuses Infisical credentials with generated secrets, and Argo CD settings with Argo CD off", () => {
    const result = parseSettings(
      {
        ...local,
        "faf:infisicalClientId": "x",
        "faf:infisicalClientSecret": "y",
        "faf:argocd": '{"enabled":false,"rendersRevision":"main"}',
      },
      { ...context, secretKeys: ["faf:infisicalClientId", "faf:infisicalClientSecret"] },
    );
    expect(result.ok ? [] : result.message.split("\n").slice(1)).toEqual([
      "  - faf:infisicalClientId: has no effect with faf:secrets.source generated: nothing is read from Infisical. Fix: remove it (pulumi config rm faf:infisicalClientId --stack dev).",
      "  - faf:infisicalClientSecret: has no effect with faf:secrets.source generated: nothing is read from Infisical. Fix: remove it (pulumi config rm faf:infisicalClientSecret --stack dev).",
      "  - faf:argocd.rendersRevision: has no effect while faf:argocd.enabled is false. Fix: remove it (pulumi config rm --path faf:argocd.rendersRevision --stack dev).",
    ]);
  });

  it("refuses a replica override for a service that is not selected", () => {
    expect(problems({ ...local, "faf:services": '["whoami"]', "faf:replicas": '{"faf-api":2}' })).toEqual([
      "faf:replicas.faf-api: faf-api is not among the services this stack runs (faf:services: whoami). Fix: add faf-api to faf:services, or remove the override (pulumi config rm --path faf:replicas.faf-api --stack dev).",
    ]);
  });

  it("refuses a replica override for a workload without pods", () => {
    expect(problems({ ...local, "faf:replicas": '{"faf-db-migrations":1}' })).toEqual([
      "faf:replicas.faf-db-migrations: faf-db-migrations has no pods to count (it runs only jobs or tasks). Fix: remove it (pulumi config rm --path faf:replicas.faf-db-migrations --stack dev).",
    ]);
  });

  it("names the known services for an unknown replica key", () => {
    const [line] = problems({ ...local, "faf:replicas": '{"faf-apii":1}' });
    expect(line).toBe(
      `faf:replicas.faf-apii: unknown service; known: ${SERVICE_NAMES.join(", ")}. Fix: correct the name or remove the entry.`,
    );
  });
});

describe("messages show the bad value and name types in words", () => {
  it("shows a mapping given for a text value as it was written", () => {
    expect(problems({ ...local, "faf:baseDomain": '{"name":"faforever.com"}' })).toEqual([
      'faf:baseDomain: expected a text value, got the mapping {"name":"faforever.com"}. Fix: set it to a domain such as faforever.com.',
    ]);
  });

  it("says a whole number and a list, never 'a int' or 'a array'", () => {
    const lines = problems({ ...local, "faf:backups": '{"retentionDays":1.5}', "faf:access": '{"adminGroups":"admins"}' });
    expect(lines).toEqual([
      "faf:backups.retentionDays: expected a whole number, got number 1.5. Fix: set it to a number of days from 1 to 365.",
      'faf:access.adminGroups: expected a list, got "admins". Fix: set it to a list.',
    ]);
  });
});
