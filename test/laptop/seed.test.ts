import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SEED_ACCOUNTS, seedObjects, seedSql } from "../../components/laptop/seed";
import { SEED_OAUTH_CLIENTS, oauthClientsScript } from "../../components/laptop/seed-oauth";
import { laptopStack, renderStackText } from "../support/laptop";
import { readManifests, readResources } from "../support/stacks";

describe("the laptop seed in a render", () => {
  let render: ReturnType<typeof renderStackText>;
  beforeAll(() => {
    render = renderStackText("seeded", laptopStack("  faf:services: [faf-api]\n  faf:seed: true"));
  });
  afterAll(() => render.cleanup());

  it("creates the SQL seed Job beside MariaDB after the migrations, and the OAuth clients Job after Hydra", () => {
    expect(render.code, render.stderr).toBe(0);
    const resources = readResources(render.out);
    const database = resources.find((r) => r.name === "seed-job-seed-database")!;
    const oauth = resources.find((r) => r.name === "seed-job-seed-oauth")!;
    expect(database.dependsOn).toEqual(expect.arrayContaining(["faf-db-migrations-job-migrate", "seed-configmap-seed-sql"]));
    expect(oauth.dependsOn).toContain("ory-hydra-deployment");
    const jobs = readManifests(render.out).filter((m) => m.object.kind === "Job" && m.object.metadata.name.startsWith("seed-"));
    expect(
      jobs.map((m) => `${m.object.metadata.namespace ?? ""}/${m.object.metadata.name.replace(/-[0-9a-f]{10}$/, "")}`).sort(),
    ).toEqual(["faf-apps/seed-oauth", "faf-infra/seed-database"]);
  });

  it("lets only the OAuth seed reach Hydra's admin port", () => {
    const policies = readManifests(render.out)
      .filter((m) => m.object.kind === "NetworkPolicy" && ["seed-oauth", "ory-hydra-from-seed"].includes(m.object.metadata.name))
      .map((m) => m.object as any);
    expect(policies).toHaveLength(2);
    for (const policy of policies) expect(JSON.stringify(policy.spec)).toContain('"port":4445');
  });

  it("is absent where not asked for: the committed local stack has no seed", () => {
    const local = readManifests(join(inject("renderDir"), "local"));
    expect(local.filter((m) => m.object.metadata.name.startsWith("seed-"))).toEqual([]);
  });
});

describe("the seed's content", () => {
  it("refuses to build seed objects for prod or test", () => {
    for (const environment of ["prod", "test"]) {
      expect(() => seedObjects({ environment, baseDomain: "faforever.com", selected: ["faf-db-migrations"] })).toThrow(
        `faf:seed: never on ${environment}; a laptop stack only`,
      );
    }
  });

  it("writes only statements a second run leaves unchanged: upserts or inserts guarded by NOT EXISTS", () => {
    const statements = seedSql()
      .split("\n")
      .filter((line) => line.startsWith("INSERT"));
    expect(statements.length).toBeGreaterThan(10);
    const unguarded = statements.filter((s) => !/ON DUPLICATE KEY UPDATE|WHERE NOT EXISTS|AND NOT EXISTS/.test(s));
    expect(unguarded).toEqual([]);
  });

  it("gives every account a known password, stored as FAF stores it (SHA-256), and the admin and moderator their groups", () => {
    const text = seedSql();
    for (const account of SEED_ACCOUNTS) expect(text).toContain(`SHA2('${account.password}', 256)`);
    expect(text).toMatch(/user_group_assignment \(user_id, group_id\) SELECT 9001, g\.id .*'faf_server_administrators'/);
    expect(text).toMatch(/user_group_assignment \(user_id, group_id\) SELECT 9002, g\.id .*'faf_moderators_global'/);
    expect(text).toMatch(/INSERT INTO game_featuredMods .*VALUES \(1, 'faf'/);
    expect(text).toMatch(/INSERT INTO map_version /);
    expect(text).toMatch(/INSERT INTO mod_version /);
  });

  it("creates each OAuth client once: a second run against the same Hydra creates nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "faf-seed-"));
    try {
      // A fake hydra CLI: `get` succeeds for clients it has created, `create` records the arguments.
      const hydra = join(dir, "hydra");
      writeFileSync(
        hydra,
        [
          "#!/bin/sh",
          'state="$FAKE_STATE"',
          'verb="$1"; shift 2',
          'if [ "$verb" = get ]; then id="$3"; [ -f "$state/$id" ]; exit $?; fi',
          'while [ $# -gt 0 ]; do case "$1" in --id) id="$2";; esac; shift; done',
          'echo created > "$state/$id"',
          'echo "$id" >> "$state/calls"',
          "",
        ].join("\n"),
      );
      chmodSync(hydra, 0o755);
      const script = oauthClientsScript(SEED_OAUTH_CLIENTS, "faforever.localhost", "http://ory-hydra:4445");
      const run = () =>
        spawnSync("sh", ["-c", `set -eu\n${script}`], {
          encoding: "utf8",
          env: { PATH: `${dir}:/usr/bin:/bin`, FAKE_STATE: dir },
        });
      const first = run();
      expect(first.status, first.stderr).toBe(0);
      expect(readFileSync(join(dir, "calls"), "utf8").trim().split("\n")).toEqual(SEED_OAUTH_CLIENTS.map((c) => c.id));
      const second = run();
      expect(second.status, second.stderr).toBe(0);
      expect(readFileSync(join(dir, "calls"), "utf8").trim().split("\n")).toHaveLength(SEED_OAUTH_CLIENTS.length);
      expect(second.stdout).toContain(`client ${SEED_OAUTH_CLIENTS[0]!.id} exists`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("registers the FAF client public (no secret) and the website with its secret and redirect on the laptop's domain", () => {
    const script = oauthClientsScript(SEED_OAUTH_CLIENTS, "faforever.localhost", "http://ory-hydra:4445");
    expect(script).toContain(
      "--id '2e8808cf-5889-469b-b2c3-01f0cc58c4af' --name 'FAF Client' --grant-type 'authorization_code,refresh_token' --response-type code",
    );
    expect(script).toMatch(/--id '2e8808cf[^\n]*--token-endpoint-auth-method none/);
    expect(script).toMatch(
      /--id 'c5613672[^\n]*--redirect-uri 'http:\/\/www\.faforever\.localhost\/callback,[^\n]*--secret 'faf-website-local-secret' --skip-consent/,
    );
  });
});
