import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A throwaway PostgreSQL server from the machine's own binaries (Debian's `postgresql`), on a
 * free port under a temporary directory, for running the data layer's SQL for real. As root
 * (CI), the server runs as the `postgres` system user, since PostgreSQL refuses root.
 */
export function postgresBin(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], "bin") : undefined;
}

export class ThrowawayPostgres {
  readonly dir: string;
  readonly port: number;
  readonly adminPassword = "admin-password";
  private readonly bin: string;
  private readonly asRoot = process.getuid?.() === 0;

  constructor(bin: string, port: number) {
    this.bin = bin;
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), "faf-pg-"));
    try {
      chmodSync(this.dir, 0o755);
      const pwfile = join(this.dir, "pw");
      writeFileSync(pwfile, `${this.adminPassword}\n`);
      if (this.asRoot) {
        const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
        chownSync(this.dir, id("-u"), id("-g"));
        chownSync(pwfile, id("-u"), id("-g"));
      }
      this.must(join(bin, "initdb"), [
        "-D",
        join(this.dir, "data"),
        "-U",
        "postgres",
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
      ]);
      this.must(join(bin, "pg_ctl"), [
        "-D",
        join(this.dir, "data"),
        "-l",
        join(this.dir, "log"),
        "-o",
        `-p ${port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
        "-w",
        "start",
      ]);
    } catch (error) {
      rmSync(this.dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs a server binary as the server's user. */
  private must(command: string, args: string[]): void {
    const result = this.asRoot
      ? spawnSync("runuser", ["-u", "postgres", "--", command, ...args], { encoding: "utf8" })
      : spawnSync(command, args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}${result.stdout}`);
  }

  /** Runs `sh -c script` as a client, with the client tools first on PATH. */
  sh(script: string, env: Record<string, string>): SpawnSyncReturns<string> {
    return spawnSync("sh", ["-c", `set -eu\n${script}`], {
      encoding: "utf8",
      env: { PATH: `${this.bin}:/usr/bin:/bin`, HOME: this.dir, PGHOST: "127.0.0.1", PGPORT: String(this.port), ...env },
    });
  }

  /** One query as `user`, returning the unaligned output; throws on a failed login. */
  query(user: string, password: string, database: string, sql: string): string {
    const result = this.sh(`psql -v ON_ERROR_STOP=1 -Atc "$SQL"`, {
      PGUSER: user,
      PGPASSWORD: password,
      PGDATABASE: database,
      SQL: sql,
    });
    if (result.status !== 0) throw new Error(result.stderr.trim());
    return result.stdout.trim();
  }

  stop(): void {
    try {
      this.must(join(this.bin, "pg_ctl"), ["-D", join(this.dir, "data"), "-m", "fast", "-w", "stop"]);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
