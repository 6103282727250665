import type { HostSettings } from "../../components/config/profile";

/** A server-only host as the schema would give it for FAF's prod layout (defaults filled). */
export const HOST_SETTINGS: HostSettings = {
  pool: "tank",
  datasetParent: "faf/data",
  dataPath: "/opt/faf/data",
  containerStorage: { zvol: "nixos/rancher", size: "200G" },
  nixosConfig: "/etc/nixos/configuration.nix",
  rebuild: "nixos-rebuild switch",
  applyOtherChanges: false,
  readyTimeoutSeconds: 600,
  nodes: [{ name: "fafprod3", role: "server", address: "203.0.113.7", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" }],
};
