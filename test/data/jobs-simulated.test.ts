import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MONGODB, POSTGRES } from "../../components/data/data-services";
import type { DataJob } from "../../components/data/jobs";
import { DATA_CONTEXT } from "../support/data";
import { tempDir } from "../support/temp";

/**
 * The backup and restore scripts run by `sh`, against fake pg_dump, psql, pg_restore, mongodump,
 * mongorestore and date (test scaffolding, not a database): what they write, prune and pick.
 */
const FAKES = join(__dirname, "fakes");
const context = DATA_CONTEXT;

function run(job: DataJob, backups: string, env: Record<string, string> = {}) {
  const log = join(backups, "..", "calls.log");
  const literal = Object.fromEntries(job.env.flatMap((e) => ("value" in e ? [[e.name, e.value]] : [[e.name, "secret"]])));
  const result = spawnSync("sh", ["-c", `set -eu\n${job.script}`], {
    encoding: "utf8",
    env: {
      PATH: `${FAKES}:/usr/bin:/bin`,
      TMPDIR: join(backups, ".."),
      FAKE_LOG: log,
      FAKE_DATABASES: "ory-hydra wikijs",
      FAKE_DATE: "2026-11-22T033000Z",
      ...literal,
      BACKUPS: backups,
      ...env,
    },
  });
  const calls = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
  return { ...result, calls };
}

function daysAgo(path: string, days: number) {
  const when = new Date(Date.now() - days * 86400 * 1000);
  utimesSync(path, when, when);
}

function workspace() {
  const base = tempDir("faf-dump-");
  const backups = join(base, "backups");
  mkdirSync(backups);
  return backups;
}

describe("PostgreSQL backup and restore scripts (simulated)", () => {
  it("dumps every database and the roles into a folder named by the time, and refuses to overwrite it", () => {
    const backups = workspace();
    const first = run(POSTGRES.backupJob(context), backups);
    expect(first.status, first.stderr).toBe(0);
    expect(readdirSync(join(backups, "2026-11-22T033000Z")).sort()).toEqual(["globals.sql", "ory-hydra.dump", "wikijs.dump"]);
    const again = run(POSTGRES.backupJob(context), backups);
    expect(again.status).toBe(1);
    expect(again.stdout).toContain("a backup 2026-11-22T033000Z exists already");
  });

  it("leaves no complete-looking folder when a dump fails, and clears such leftovers a day later", () => {
    const backups = workspace();
    const failed = run(POSTGRES.backupJob(context), backups, { FAKE_FAIL_DB: "wikijs" });
    expect(failed.status).not.toBe(0);
    expect(readdirSync(backups)).toEqual([".2026-11-22T033000Z"]);
    daysAgo(join(backups, ".2026-11-22T033000Z"), 2);
    const next = run(POSTGRES.backupJob(context), backups, { FAKE_DATE: "2026-11-23T033000Z" });
    expect(next.status, next.stderr).toBe(0);
    expect(readdirSync(backups)).toEqual(["2026-11-23T033000Z"]);
  });

  it("prunes dumps older than the retention and keeps the rest", () => {
    const backups = workspace();
    for (const [name, age] of [
      ["2026-10-01T033000Z", 52],
      ["2026-11-01T033000Z", 21],
      ["2026-11-15T033000Z", 7],
    ] as const) {
      mkdirSync(join(backups, name));
      daysAgo(join(backups, name), age);
    }
    const result = run(POSTGRES.backupJob(context), backups);
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(backups).sort()).toEqual(["2026-11-15T033000Z", "2026-11-22T033000Z"]);
  });

  it("restores every database of the newest dump, or of the one named in BACKUP", () => {
    const backups = workspace();
    for (const name of ["2026-11-20T033000Z", "2026-11-21T033000Z"]) {
      mkdirSync(join(backups, name));
      writeFileSync(join(backups, name, "wikijs.dump"), "");
      writeFileSync(join(backups, name, "ory-hydra.dump"), "");
    }
    const newest = run(POSTGRES.restoreJob(), backups);
    expect(newest.status, newest.stderr).toBe(0);
    expect(newest.calls).toEqual([
      `pg_restore --clean --if-exists -d ory-hydra ${backups}/2026-11-21T033000Z/ory-hydra.dump`,
      `pg_restore --clean --if-exists -d wikijs ${backups}/2026-11-21T033000Z/wikijs.dump`,
    ]);
    const chosen = run(POSTGRES.restoreJob(), backups, { BACKUP: "2026-11-20T033000Z" });
    expect(chosen.status, chosen.stderr).toBe(0);
    expect(chosen.calls.slice(newest.calls.length)).toEqual([
      `pg_restore --clean --if-exists -d ory-hydra ${backups}/2026-11-20T033000Z/ory-hydra.dump`,
      `pg_restore --clean --if-exists -d wikijs ${backups}/2026-11-20T033000Z/wikijs.dump`,
    ]);
    const missing = run(POSTGRES.restoreJob(), backups, { BACKUP: "2026-01-01T000000Z" });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain("no backup to restore");
  });

  it("refuses to restore from an empty backups volume", () => {
    const result = run(POSTGRES.restoreJob(), workspace());
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("no backup to restore in");
    expect(result.calls).toEqual([]);
  });
});

describe("MongoDB backup and restore scripts (simulated)", () => {
  it("writes one archive per run, prunes old ones, and restores the newest with --drop", () => {
    const backups = workspace();
    writeFileSync(join(backups, "2026-10-01T033000Z.archive.gz"), "");
    daysAgo(join(backups, "2026-10-01T033000Z.archive.gz"), 52);
    const backup = run(MONGODB.backupJob(context), backups);
    expect(backup.status, backup.stderr).toBe(0);
    expect(readdirSync(backups)).toEqual(["2026-11-22T033000Z.archive.gz"]);
    // The password went to a file, not to the command line.
    expect(backup.calls.join("\n")).not.toContain("secret");
    const restore = run(MONGODB.restoreJob(), backups);
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.calls.at(-1)).toMatch(/^mongorestore .* --drop --gzip --archive=.*\/2026-11-22T033000Z\.archive\.gz$/);
  });
});
