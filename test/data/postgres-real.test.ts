import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE } from "../../components/apps/catalogue";
import { POSTGRES } from "../../components/data/data-services";
import type { DataJob } from "../../components/data/jobs";
import { dataPlan, type DatabaseUser } from "../../components/data/plan";
import { postgresBin, ThrowawayPostgres } from "../support/postgres";
import { DATA_CONTEXT } from "../support/data";

/**
 * The PostgreSQL jobs' SQL and dumps against a real server (the machine's PostgreSQL binaries;
 * the image runs 17, the same statements): users made twice, a password rotated, a dump restored.
 */
const bin = postgresBin();
if (bin === undefined && process.env.FAF_REQUIRE_TOOLS === "1") {
  throw new Error("PostgreSQL is required (FAF_REQUIRE_TOOLS=1) but not installed: apt-get install -y postgresql");
}
const available = bin !== undefined;
const context = DATA_CONTEXT;

describe.skipIf(!available)("PostgreSQL jobs against a real server", () => {
  let server: ThrowawayPostgres;
  const wikijs: DatabaseUser = dataPlan(CATALOGUE).postgres.users.find((u) => u.user === "wikijs")!;

  /** Runs a job's script with its literal environment, the secrets given here. */
  const run = (job: DataJob, secrets: Record<string, string>, extra: Record<string, string> = {}) => {
    const literal = Object.fromEntries(job.env.flatMap((e) => ("value" in e && e.name !== "PGHOST" ? [[e.name, e.value]] : [])));
    return server.sh(job.script, { ...literal, PGPASSWORD: server.adminPassword, ...secrets, ...extra });
  };

  beforeAll(() => {
    server = new ThrowawayPostgres(bin!, 25432 + (process.pid % 1000));
  }, 60_000);
  afterAll(() => server?.stop());

  it("creates the user and its database, and a second run changes nothing", () => {
    for (let i = 0; i < 2; i++) {
      const result = run(POSTGRES.userJob(wikijs, "c"), { DB_PASSWORD: "first-password" });
      expect(result.status, result.stderr).toBe(0);
    }
    expect(server.query("wikijs", "first-password", "wikijs", "SELECT current_user")).toBe("wikijs");
    expect(
      server.query(
        "postgres",
        server.adminPassword,
        "postgres",
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'wikijs'",
      ),
    ).toBe("wikijs");
    expect(
      server.query("postgres", server.adminPassword, "postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'wikijs'"),
    ).toBe("1");
  });

  it("sets the app's current password on every run (a rotated key takes effect)", () => {
    const result = run(POSTGRES.userJob(wikijs, "c"), { DB_PASSWORD: "rotated 'password\"" });
    expect(result.status, result.stderr).toBe(0);
    expect(server.query("wikijs", "rotated 'password\"", "wikijs", "SELECT 1")).toBe("1");
    expect(() => server.query("wikijs", "first-password", "wikijs", "SELECT 1")).toThrow(/password authentication failed/);
  });

  it("dumps every database and restores the newest dump over changed data", () => {
    server.query("wikijs", "rotated 'password\"", "wikijs", "CREATE TABLE pages (title text); INSERT INTO pages VALUES ('Home')");
    const backups = join(server.dir, "backups");
    mkdirSync(backups);
    const backup = run(POSTGRES.backupJob(context), {}, { BACKUPS: backups });
    expect(backup.status, backup.stderr).toBe(0);
    const [folder] = readdirSync(backups);
    expect(readdirSync(join(backups, folder!)).sort()).toEqual(["globals.sql", "wikijs.dump"]);

    server.query("wikijs", "rotated 'password\"", "wikijs", "DELETE FROM pages; INSERT INTO pages VALUES ('Vandalised')");
    const restore = run(POSTGRES.restoreJob(), {}, { BACKUPS: backups });
    expect(restore.status, restore.stderr).toBe(0);
    expect(server.query("wikijs", "rotated 'password\"", "wikijs", "SELECT string_agg(title, ',') FROM pages")).toBe("Home");
  });
});
