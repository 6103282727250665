import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/**
 * The processes and ports one e2e run owns. Every process starts in its own process group, so
 * stopping it stops whatever it forked; `stopAll` stops them newest first, waits for each and
 * kills what outlives its grace period; `leftovers` says what is still there afterwards.
 */
export class Processes {
  private readonly started: { name: string; child: ChildProcess; exited: Promise<void> }[] = [];
  readonly ports: number[] = [];

  constructor(private readonly logDir: string) {}

  /** Starts `command` with its output in `<logDir>/<name>.log`. */
  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    const log = fs.openSync(path.join(this.logDir, `${name}.log`), "a");
    const child = spawn(command, args, { detached: true, stdio: ["ignore", log, log], env });
    fs.closeSync(log);
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.once("exit", () => resolve());
      child.once("error", () => resolve());
    });
    this.started.push({ name, child, exited });
    return child;
  }

  /**
   * Runs `command` to its end, tracked like a started process (a timeout or signal stops it
   * too); its output is appended to `<logDir>/<name>.log` and returned.
   */
  run(
    name: string,
    command: string,
    args: string[],
    options: { env: NodeJS.ProcessEnv; cwd: string },
  ): Promise<{ status: number | null; output: string; stdout: string }> {
    const child = spawn(command, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env: options.env, cwd: options.cwd });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
      output += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve(code));
    });
    this.started.push({
      name,
      child,
      exited: exited.then(
        () => undefined,
        () => undefined,
      ),
    });
    return exited.then((status) => {
      fs.appendFileSync(path.join(this.logDir, `${name}.log`), `$ ${command} ${args.join(" ")}\n${output}\n`);
      return { status, output, stdout };
    });
  }

  /** The last lines of a process's log, for an error message. */
  tail(name: string, lines = 20): string {
    try {
      return fs
        .readFileSync(path.join(this.logDir, `${name}.log`), "utf8")
        .trimEnd()
        .split("\n")
        .slice(-lines)
        .join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** Throws with the process's log if it has exited. */
  assertRunning(name: string): void {
    const entry = this.started.find((s) => s.name === name);
    if (entry && (entry.child.exitCode !== null || entry.child.signalCode !== null)) {
      throw new Error(`${name} exited (${String(entry.child.exitCode ?? entry.child.signalCode)}):\n${this.tail(name)}`);
    }
  }

  /** A free loopback port, remembered so that the leftover check looks at it. */
  async freePort(): Promise<number> {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    this.ports.push(port);
    return port;
  }

  /** Stops every process, newest first: SIGTERM to its group, SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    for (const { child, exited } of [...this.started].reverse()) {
      if (child.pid === undefined) continue;
      signalGroup(child.pid, "SIGTERM");
      const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
      if (timedOut) {
        signalGroup(child.pid, "SIGKILL");
        await Promise.race([exited, sleep(2_000)]);
      }
      // A group member that ignored SIGTERM after its leader left.
      if (groupAlive(child.pid)) {
        signalGroup(child.pid, "SIGKILL");
        const gone = Date.now() + 2_000;
        while (groupAlive(child.pid) && Date.now() < gone) await sleep(50);
      }
    }
  }

  /** What of this run is still there: live process groups and listening ports. */
  async leftovers(): Promise<string[]> {
    const found: string[] = [];
    for (const { name, child } of this.started) {
      if (child.pid !== undefined && groupAlive(child.pid)) found.push(`process group of ${name} (pid ${child.pid})`);
    }
    for (const port of this.ports) {
      if (await listening(port)) found.push(`port 127.0.0.1:${port}`);
    }
    return found;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
}

/**
 * Whether any process of the group still runs. On Linux, from /proc: a zombie whose parent is
 * not there to reap it (a container's init may not) has stopped, and is not counted.
 */
export function groupAlive(pgid: number): boolean {
  if (fs.existsSync("/proc/self/stat")) {
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue;
      }
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ")".
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true, or throws `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not yet.
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
    await sleep(everyMs);
  }
}
