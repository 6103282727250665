/**
 * The NixOS module that runs k3s on a FAF host, rendered from typed settings. Pure; its output
 * is checked with the real Nix tools (`nix-instantiate --parse` and `--eval --strict`).
 */

/** The label PersistentVolume node affinity selects; FAF's existing nodes and PVs use it. */
export const STORAGE_NODE_LABEL = "openebs.io/nodeid";
/** The cluster join token (created once on the host, never in Pulumi state). */
export const K3S_TOKEN_FILE = "/var/lib/faf/k3s-token";

export interface K3sModuleInput {
  nodeName: string;
  /** Names the API server certificate must be valid for (the address Pulumi connects to). */
  tlsSans: string[];
  /** The ext4 zvol mounted at /var/lib/rancher. */
  containerStorageDevice: string;
  /** Paths k3s must not start without: the mountpoint of every data dataset. */
  mountsBeforeK3s: string[];
  /** The API server accepts FAF login tokens (kubectl via OIDC), groups prefixed `oidc:`. */
  oidc?: { issuer: string; clientId: string };
  /** The host's exporters for monitoring (docs/decisions/021). @default false */
  hostMetrics?: boolean;
}

/** Where the certificate timer writes its metrics; the node exporter's textfile collector reads it. */
export const TEXTFILE_DIR = "/var/lib/faf-metrics";
/** The host exporters' ports, opened to the pod network (cni0) only. */
export const HOST_METRICS_PORTS = { node: 9100, zfs: 9134 };

/**
 * The host's exporters, as NixOS services rather than privileged pods: nothing in the cluster
 * needs host access for them. Each privilege is named where it is granted.
 */
function hostMetricsModule(): string {
  return `
  # Node metrics (CPU, memory, filesystems). NixOS runs it as its own unprivileged user; it reads
  # /proc and /sys, which any user may. The textfile collector adds the k3s certificate metrics.
  services.prometheus.exporters.node = {
    enable = true;
    port = ${HOST_METRICS_PORTS.node};
    enabledCollectors = [ "textfile" ];
    extraFlags = [ "--collector.textfile.directory=${TEXTFILE_DIR}" ];
  };

  # ZFS pool and dataset metrics (allocated, size, used, quota). Privilege: read access to
  # /dev/zfs, which the NixOS module grants its service; it runs zpool/zfs read-only commands.
  services.prometheus.exporters.zfs = {
    enable = true;
    port = ${HOST_METRICS_PORTS.zfs};
  };

  # Only the pod network (the metrics scraper) reaches them; nothing from outside the host.
  networking.firewall.interfaces."cni0".allowedTCPPorts = [ ${HOST_METRICS_PORTS.node} ${HOST_METRICS_PORTS.zfs} ];

  # Expiry of k3s's certificates as metrics, hourly. Privilege: root, because k3s keeps its
  # certificates readable by root only; it only reads them and writes one world-readable file.
  systemd.tmpfiles.rules = [ "d ${TEXTFILE_DIR} 0755 root root -" ];
  systemd.services.faf-k3s-cert-metrics = {
    description = "k3s certificate expiry for the node exporter";
    serviceConfig.Type = "oneshot";
    path = [ pkgs.openssl pkgs.coreutils ];
    script = ''
      out=${TEXTFILE_DIR}/k3s-certificates.prom
      {
        echo "# HELP faf_k3s_certificate_not_after_seconds When a k3s leaf certificate expires (Unix time)."
        echo "# TYPE faf_k3s_certificate_not_after_seconds gauge"
        for certificate in /var/lib/rancher/k3s/server/tls/*.crt /var/lib/rancher/k3s/agent/*.crt; do
          [ -e "$certificate" ] || continue
          case "$certificate" in *-ca.crt) continue ;; esac
          end=$(openssl x509 -enddate -noout -in "$certificate")
          echo "faf_k3s_certificate_not_after_seconds{file=\\"$(basename "$certificate")\\"} $(date -u -d "''\${end#notAfter=}" +%s)"
        done
      } > "$out.tmp"
      mv "$out.tmp" "$out"
    '';
  };
  systemd.timers.faf-k3s-cert-metrics = {
    wantedBy = [ "timers.target" ];
    timerConfig = { OnBootSec = "5m"; OnUnitActiveSec = "1h"; };
  };
`;
}

/** A Nix string literal. */
export function nixString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$\{/g, "\\${")}"`;
}

/** A path as one word of a shell command inside a Nix indented string. */
function nixShellWord(value: string): string {
  if (!/^\/[A-Za-z0-9._/-]+$/.test(value)) throw new Error(`mount path ${value} must be an absolute path of safe characters`);
  return `'${value}'`;
}

function nixList(values: readonly string[], indent: string): string {
  return `[\n${values.map((v) => `${indent}  ${nixString(v)}\n`).join("")}${indent}]`;
}

export function renderK3sModule(input: K3sModuleInput): string {
  // Flags rather than newer options (disable, nodeLabel): they work on every NixOS release
  // FAF has run, and k3s applies node labels only when a node first registers.
  const flags = [
    "--disable=traefik",
    `--node-name=${input.nodeName}`,
    `--node-label=${STORAGE_NODE_LABEL}=${input.nodeName}`,
    ...input.tlsSans.map((san) => `--tls-san=${san}`),
    "--write-kubeconfig-mode=0600",
    ...(input.oidc
      ? [
          `--kube-apiserver-arg=oidc-issuer-url=${input.oidc.issuer}`,
          `--kube-apiserver-arg=oidc-client-id=${input.oidc.clientId}`,
          "--kube-apiserver-arg=oidc-username-claim=sub",
          "--kube-apiserver-arg=oidc-username-prefix=oidc:",
          "--kube-apiserver-arg=oidc-groups-claim=groups",
          "--kube-apiserver-arg=oidc-groups-prefix=oidc:",
        ]
      : []),
  ];
  return `# Generated by faf-infra (components/host/nix.ts) and written by \`pulumi up\`.
# Do not edit it here: change the stack settings. Imported from the host's configuration.nix.
{ config, lib, pkgs, ... }:
{
  services.k3s = {
    enable = true;
    role = "server";
    tokenFile = ${nixString(K3S_TOKEN_FILE)};
    extraFlags = toString ${nixList(flags, "    ")};
  };

  # containerd's overlayfs snapshotter cannot use a ZFS upper directory: ext4 on a zvol.
  # mkDefault: a host whose hardware configuration already mounts it (fafprod3 does) keeps its own.
  # nofail and a device timeout: a missing zvol at boot must not send the host into emergency
  # mode (no SSH to fix it); k3s requires the mount instead, so k3s alone stays down.
  fileSystems."/var/lib/rancher" = {
    device = lib.mkDefault ${nixString(input.containerStorageDevice)};
    fsType = lib.mkDefault "ext4";
    options = [ "nofail" "x-systemd.device-timeout=60s" ];
  };

  # The data datasets are mounted by zfs-mount.service, which has no mount units to require:
  # k3s checks each mount before it starts and stays down (retrying) while one is missing, so a
  # database never starts fresh in an empty directory of the parent dataset.
  systemd.services.k3s = {
    after = [ "zfs-mount.service" ];
    wants = [ "zfs-mount.service" ];
    unitConfig.RequiresMountsFor = [ "/var/lib/rancher" ];
    serviceConfig.ExecStartPre = [
      "\${pkgs.writeShellScript "faf-k3s-data-mounts" ''
        for path in ${input.mountsBeforeK3s.map(nixShellWord).join(" ")}; do
          \${pkgs.util-linux}/bin/mountpoint -q "$path" || {
            echo "faf: $path is not mounted (its ZFS dataset is missing or unmounted); k3s stays down until it is. Fix: zfs mount -a; zfs list -o name,mountpoint,mounted" >&2
            exit 1
          }
        done
      ''}"
    ];
  };
${input.hostMetrics ? hostMetricsModule() : ""}}
`;
}
