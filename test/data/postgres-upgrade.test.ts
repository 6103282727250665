import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  PGAUTOUPGRADE_ENTRYPOINT,
  PGAUTOUPGRADE_IMAGE,
  POSTGRES_IMAGE,
  POSTGRES_MAJOR,
  postgresSpec,
  postgresUpgradeScript,
} from "../../components/data/postgres";
import { ROOT } from "../support/cli";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * Runs the upgrade step's script against a data directory holding `version` (or nothing), with
 * pgautoupgrade's entry point replaced by a stub that records how it was called.
 */
function runStep(version: string | undefined, options: { files?: string[]; pgtarget?: string } = {}) {
  const root = mkdtempSync(join(tmpdir(), "faf-pgupgrade-"));
  dirs.push(root);
  const pgdata = join(root, "data");
  mkdirSync(pgdata);
  if (version !== undefined) writeFileSync(join(pgdata, "PG_VERSION"), `${version}\n`);
  for (const file of options.files ?? []) writeFileSync(join(pgdata, file), "");
  const stub = join(root, "entrypoint.sh");
  const called = join(root, "called");
  writeFileSync(stub, `#!/bin/sh\necho "$PGAUTO_ONESHOT $*" > "${called}"\n`);
  chmodSync(stub, 0o755);
  const script = postgresUpgradeScript().replace(PGAUTOUPGRADE_ENTRYPOINT, stub);
  const result = spawnSync("bash", ["-c", script], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      PGDATA: pgdata,
      SERVER_MAJOR: POSTGRES_MAJOR,
      PGTARGET: options.pgtarget ?? `${POSTGRES_MAJOR}.6`,
    },
  });
  return {
    code: result.status,
    output: result.stdout + result.stderr,
    upgrade: existsSync(called) ? readFileSync(called, "utf8").trim() : undefined,
  };
}

describe("PostgreSQL's upgrade step", () => {
  const older = String(Number(POSTGRES_MAJOR) - 1);
  const newer = String(Number(POSTGRES_MAJOR) + 1);

  it("lets the server create a new cluster in an empty data directory", () => {
    const run = runStep(undefined);
    expect(run).toMatchObject({ code: 0, upgrade: undefined });
    expect(run.output).toContain("no cluster");
  });

  it("does nothing when the data directory is already the server's major", () => {
    const run = runStep(POSTGRES_MAJOR);
    expect(run).toMatchObject({ code: 0, upgrade: undefined });
    expect(run.output).toContain("nothing to upgrade");
  });

  it.each([older, "12", "9.6"])("upgrades a cluster of PostgreSQL %s with pgautoupgrade in one-shot mode", (version) => {
    const run = runStep(version);
    expect(run.code, run.output).toBe(0);
    expect(run.upgrade).toBe("yes postgres");
    expect(run.output).toContain(`from PostgreSQL ${version} to ${POSTGRES_MAJOR}`);
  });

  it("refuses a cluster newer than the server, naming both versions and the runbook", () => {
    const run = runStep(newer);
    expect(run.code).toBe(1);
    expect(run.upgrade).toBeUndefined();
    expect(run.output).toContain(`PostgreSQL ${newer}, newer than the server (${POSTGRES_MAJOR})`);
    expect(run.output).toContain("docs/runbooks/postgres-major-upgrade.md");
  });

  it.each(["upgrade_in_progress.lock", "old"])("refuses to go on after a half-finished upgrade (%s left behind)", (file) => {
    const run = runStep(older, { files: [file] });
    expect(run.code).toBe(1);
    expect(run.upgrade).toBeUndefined();
    expect(run.output).toContain("half-finished upgrade");
  });

  it("refuses an upgrade image built for another major than the server's", () => {
    const run = runStep(older, { pgtarget: `${newer}.0` });
    expect(run.code).toBe(1);
    expect(run.upgrade).toBeUndefined();
    expect(run.output).toContain(`targets PostgreSQL ${newer}.0 but the server runs ${POSTGRES_MAJOR}`);
  });

  it("refuses a data directory whose PG_VERSION is not a version", () => {
    const run = runStep("garbage");
    expect(run.code).toBe(1);
    expect(run.upgrade).toBeUndefined();
  });

  it("pins the upgrade image to the server's major, so a server bump without it fails here", () => {
    expect(PGAUTOUPGRADE_IMAGE).toMatch(new RegExp(`:${POSTGRES_MAJOR}-`));
    expect(POSTGRES_IMAGE).toMatch(new RegExp(`:${POSTGRES_MAJOR}\\.`));
    const step = postgresSpec.init?.find((s) => s.name === "pgautoupgrade");
    expect(step && `${step.image.repository}:${step.image.tag}`).toBe(PGAUTOUPGRADE_IMAGE);
  });

  it("has the runbook it points to", () => {
    const runbook = readFileSync(join(ROOT, "docs", "runbooks", "postgres-major-upgrade.md"), "utf8");
    expect(runbook).toContain("pgautoupgrade");
    expect(runbook).toContain("PG_VERSION");
  });
});
