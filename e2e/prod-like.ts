import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";

import { STORAGE_NODE_LABEL } from "../components/host/nix";
import { FAKES, SimulatedHost } from "../test/host/simulated-host";
import type { FakeNode } from "./cluster";
import type { Processes } from "./processes";
import { type SshServer, startSshd } from "./sshd";

/**
 * The prod-like stack: Pulumi.prod.yaml's settings with its one node moved to an OpenSSH server
 * on a loopback port, whose sessions run the simulated host's tools (the fakes in test/host)
 * against a host directory of this run. The fake `nixos-rebuild switch` "starts k3s", which hands
 * out the throwaway cluster's kubeconfig as its admin kubeconfig.
 */
export interface ProdLikeHost {
  host: SimulatedHost;
  server: SshServer;
}

interface StackFile {
  config: Record<string, unknown>;
}

interface HostConfig {
  nixosConfig: string;
  pool: string;
  nodes: { name: string; role: string; address: string; port?: number; user?: string; hostKey: string }[];
  [key: string]: unknown;
}

/** Pulumi.prod.yaml's settings. */
export function prodSettings(root: string): Record<string, unknown> {
  return (parse(fs.readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8")) as StackFile).config;
}

/** The node as k3s on prod's server registers it: its name, and the labels the NixOS module gives it. */
export function prodLikeNode(root: string): FakeNode {
  const [server] = (prodSettings(root)["faf:host"] as HostConfig).nodes;
  if (!server) throw new Error("Pulumi.prod.yaml: faf:host.nodes is empty");
  return { name: server.name, labels: { [STORAGE_NODE_LABEL]: server.name } };
}

/** A simulated host laid out like prod's (its NixOS configuration's path, its pool), with sshd in front of it. */
export async function startProdLikeHost(
  root: string,
  dir: string,
  processes: Processes,
  kubeconfig: string,
): Promise<ProdLikeHost> {
  const settings = prodSettings(root)["faf:host"] as HostConfig;
  const host = new SimulatedHost({ base: path.join(dir, "host"), nixosConfig: settings.nixosConfig });
  fs.copyFileSync(kubeconfig, path.join(host.state, "k3s.yaml"));
  const server = await startSshd(path.join(dir, "sshd"), processes, [FAKES], {
    FAF_ROOT: host.root,
    FAKE_STATE: host.state,
    TMPDIR: os.tmpdir(),
  });
  return { host, server };
}

/**
 * The prod-like stack's settings: prod's, with the server node at the loopback sshd (its host
 * key pinned as prod pins its host's), and `extra` (the charts' sources) added. The SSH private
 * key is set apart, as a secret (`pulumi config set --secret`), as an admin would.
 */
export function prodLikeSettings(root: string, server: SshServer, extra: Record<string, unknown>): Record<string, unknown> {
  const config = prodSettings(root);
  const host = config["faf:host"] as HostConfig;
  const [first, ...rest] = host.nodes;
  if (!first || rest.length > 0)
    throw new Error("Pulumi.prod.yaml: the prod-like stack expects exactly one node in faf:host.nodes");
  return {
    ...config,
    "faf:host": {
      ...host,
      nodes: [{ ...first, address: "127.0.0.1", port: server.port, user: server.user, hostKey: server.hostKey }],
    },
    ...extra,
  };
}

export function writeStackFile(file: string, config: Record<string, unknown>): void {
  fs.writeFileSync(file, stringify({ config }));
}

/** The simulated host's calls that change something (`MUTATE ...` lines of the fakes' log). */
export function mutatingCalls(host: SimulatedHost): string[] {
  return (host.stateFile("calls.log") ?? "").split("\n").filter((line) => line.startsWith("MUTATE "));
}
