import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import type { ClusterBinaries } from "./cluster";

export const TOOLCHAIN_DIR = path.join(__dirname, "toolchain");

/** The pinned versions (e2e/toolchain/versions.env), as NAME -> value. */
export function pinnedVersions(file = path.join(TOOLCHAIN_DIR, "versions.env")): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Z_]+)=(\S+)\s*$/.exec(line);
    if (match) versions[match[1]!] = match[2]!;
  }
  return versions;
}

/** The built toolchain: each component's directory, or undefined with the reason when one is missing. */
export function builtToolchain(): { dirs: Record<string, string> } | { missing: string } {
  try {
    const out = execFileSync("bash", [path.join(TOOLCHAIN_DIR, "build.sh"), "--check"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { dirs: parseCheck(out) };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return { missing: stderr.trim() };
  }
}

/** Parses `build.sh --check`'s NAME=DIR lines. */
export function parseCheck(out: string): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const match = /^([a-z-]+)=(.+)$/.exec(line.trim());
    if (match) dirs[match[1]!] = match[2]!;
  }
  return dirs;
}

/** The control plane's binaries in the built toolchain. */
export function clusterBinaries(dirs: Record<string, string>): ClusterBinaries {
  const bin = (component: string, name: string) => path.join(dirs[component]!, "bin", name);
  return {
    etcd: bin("etcd", "etcd"),
    kubeApiserver: bin("control-plane", "kube-apiserver"),
    kubeControllerManager: bin("control-plane", "kube-controller-manager"),
    kubeScheduler: bin("control-plane", "kube-scheduler"),
    kwok: bin("kwok", "kwok"),
    kwokStages: path.join(dirs.kwok!, "stages"),
  };
}

/**
 * The resource plugins the program needs and the toolchain component that builds each. random,
 * tls and command are stand-ins of our own (decision 016): the proxy serves no version of them.
 */
const PLUGINS = [
  { name: "kubernetes", component: "kubernetes-provider" },
  { name: "random", component: "stand-in-providers" },
  { name: "tls", component: "stand-in-providers" },
  { name: "command", component: "stand-in-providers" },
] as const;

/** The resource plugins the built toolchain provides: plugin name, the version the engine is told, the binary. */
export function toolchainPlugins(
  dirs: Record<string, string>,
  versions = pinnedVersions(),
): { name: string; version: string; file: string }[] {
  return PLUGINS.map(({ name, component }) => ({
    name,
    version: versions[`${name.toUpperCase()}_PLUGIN_VERSION`]!,
    file: path.join(dirs[component]!, "bin", `pulumi-resource-${name}`),
  }));
}

/** The plugins the program needs, as our npm SDKs ask for them (package.json). */
export function requiredPlugins(packageJson = path.join(__dirname, "..", "package.json")): { name: string; version: string }[] {
  const deps = (JSON.parse(fs.readFileSync(packageJson, "utf8")) as { dependencies: Record<string, string> }).dependencies;
  return PLUGINS.map(({ name }) => ({ name, version: deps[`@pulumi/${name}`]! }));
}
