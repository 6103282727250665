import { SERVICE_NAMES } from "../../components/apps/catalogue";
import type { RawConfig } from "../../components/config/parse";

/** Stack settings as the engine hands them over, shared by the settings tests. */
export const SETTINGS_CONTEXT = {
  stack: "dev",
  stackFile: "Pulumi.dev.yaml",
  serviceNames: SERVICE_NAMES,
  secretKeys: [] as string[],
};

/** A minimal laptop stack. */
export const LOCAL_SETTINGS: RawConfig = {
  "faf:environment": "local",
  "faf:baseDomain": "faforever.localhost",
  "faf:kubernetes": '{"context":"default"}',
  "faf:storage": '{"dataPath":"/var/lib/faf-data"}',
  "faf:secrets": '{"source":"generated"}',
};

/** A minimal `faf:host` value for FAF's prod layout. */
export const HOST_VALUE = {
  pool: "tank",
  datasetParent: "faf/data",
  containerStorage: { zvol: "nixos/rancher", size: "200G" },
  nodes: [{ name: "fafprod3", role: "server", address: "fafprod3.example.org", hostKey: "ssh-ed25519 AAAAC3Nza" }],
};

/** A minimal prod stack on that host. */
export const PROD_SETTINGS: RawConfig = {
  "faf:environment": "prod",
  "faf:baseDomain": "faforever.com",
  "faf:hostName": "fafprod3",
  "faf:host": JSON.stringify(HOST_VALUE),
  "faf:secrets": '{"source":"infisical","projectSlug":"k3s-cluster-zj-th","environment":"prod"}',
};
