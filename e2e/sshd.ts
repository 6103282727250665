import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { type Processes, waitFor } from "./processes";

/** Debian's sshd; the harness starts its own, never the system's. */
export const SSHD = process.env.FAF_E2E_SSHD ?? "/usr/sbin/sshd";

/** An OpenSSH server on a loopback port, for the prod-like stack's host steps. */
export interface SshServer {
  port: number;
  user: string;
  /** The client's private key (OpenSSH format) that the server accepts. */
  clientKey: string;
  /** The server's host public key, as `faf:host.nodes[].hostKey` takes it. */
  hostKey: string;
  /** The PATH every session gets: `pathFirst` before the system's. */
  sessionPath: string;
}

/**
 * The server's configuration: loopback only, its own host key and authorized key, no PAM, and
 * a session PATH that puts the simulated host's tools (the fakes in test/host) first, with
 * `env` (the simulated host's root and state) set in every session.
 */
export function sshdConfig(dir: string, port: number, pathFirst: string[], env: Record<string, string> = {}): string {
  const sessionPath = [...pathFirst, "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].join(":");
  return [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${path.join(dir, "host_ed25519")}`,
    `PidFile ${path.join(dir, "sshd.pid")}`,
    `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PubkeyAuthentication yes",
    "UsePAM no",
    // The key files live in a temporary directory, not a home directory.
    "StrictModes no",
    `SetEnv PATH=${sessionPath}${Object.entries(env)
      .map(([name, value]) => ` ${name}=${value}`)
      .join("")}`,
    "LogLevel ERROR",
    "",
  ].join("\n");
}

/** Starts sshd with everything under `dir`; `processes` stops it. */
export async function startSshd(
  dir: string,
  processes: Processes,
  pathFirst: string[],
  env: Record<string, string> = {},
): Promise<SshServer> {
  if (!fs.existsSync(SSHD))
    throw new Error(`${SSHD} is missing: apt-get install openssh-server (the harness starts its own on a loopback port)`);
  fs.mkdirSync(dir, { recursive: true });
  // sshd refuses to start without its privilege-separation directory.
  if (!fs.existsSync("/run/sshd")) fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const keygen = (file: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file], { stdio: "ignore" });
  keygen(path.join(dir, "host_ed25519"));
  keygen(path.join(dir, "client_ed25519"));
  fs.copyFileSync(path.join(dir, "client_ed25519.pub"), path.join(dir, "authorized_keys"));
  const port = await processes.freePort();
  const config = path.join(dir, "sshd_config");
  fs.writeFileSync(config, sshdConfig(dir, port, pathFirst, env));
  processes.start("sshd", SSHD, ["-D", "-e", "-f", config]);
  const server: SshServer = {
    port,
    user: os.userInfo().username,
    clientKey: fs.readFileSync(path.join(dir, "client_ed25519"), "utf8"),
    hostKey: fs.readFileSync(path.join(dir, "host_ed25519.pub"), "utf8").trim().split(" ").slice(0, 2).join(" "),
    sessionPath: sshdConfig(dir, port, pathFirst).match(/^SetEnv PATH=(\S*)/m)![1]!,
  };
  await waitFor("sshd", 30_000, () => {
    processes.assertRunning("sshd");
    return Promise.resolve(sshRun(server, dir, "true") === "");
  });
  return server;
}

/** Runs `command` on the server as the harness's user; returns its stdout. */
export function sshRun(server: SshServer, dir: string, command: string): string {
  const knownHosts = path.join(dir, "known_hosts");
  fs.writeFileSync(knownHosts, `[127.0.0.1]:${server.port} ${server.hostKey}\n`);
  return execFileSync(
    "ssh",
    [
      "-p",
      String(server.port),
      "-i",
      path.join(dir, "client_ed25519"),
      "-o",
      `UserKnownHostsFile=${knownHosts}`,
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      "BatchMode=yes",
      "-o",
      "ConnectTimeout=5",
      `${server.user}@127.0.0.1`,
      command,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 15_000 },
  );
}
