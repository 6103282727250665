import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../components/apps/catalogue";
import type { WorkloadSpec } from "../../components/apps/spec";
import { MONGODB, POSTGRES } from "../../components/data/data-services";
import { dataJob, type DataJob } from "../../components/data/jobs";
import { mariadbServer, mariadbUserObjects, myCnf } from "../../components/data/mariadb";
import { dataPlan, objectName, passwordKeysRead } from "../../components/data/plan";
import { rabbitmqCredentials, rabbitmqUserObjects } from "../../components/data/rabbitmq";
import { toolAvailable } from "../support/tools";
import { DATA_CONTEXT } from "../support/data";
import { tempDir } from "../support/temp";

const app = (name: string, extra: Partial<WorkloadSpec>): WorkloadSpec => ({
  name,
  description: name,
  image: { repository: `faforever/${name}`, tag: "v1" },
  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
  ...extra,
});
const context = DATA_CONTEXT;

describe("data plan", () => {
  const plan = dataPlan(CATALOGUE);

  it("declares FAF's five MariaDB databases and every user with its grants, from the workload specs", () => {
    expect(plan.mariadb.databases).toEqual(["ergochat", "faf-icebreaker", "faf-league", "faf_lobby", "fafwordpress"]);
    const grants = plan.mariadb.users.flatMap((u) => u.grants.map((g) => `${u.user}@${g.database}`));
    expect(grants).toEqual(
      expect.arrayContaining([
        "faf-java-api@faf_lobby",
        "faf-java-api@faf-league",
        "faf-user-service@faf_lobby",
        "faf-python-server@faf_lobby",
        "faf-legacy-live-replay-server@faf_lobby",
        "faf-policy-server@faf_lobby",
        "faf-league-service@faf-league",
        "faf-icebreaker@faf-icebreaker",
        "faf-wordpress@fafwordpress",
        "ergochat@ergochat",
        "debezium@faf_lobby",
        "faf-db-migrations@faf_lobby",
      ]),
    );
    expect(plan.mariadb.users.find((u) => u.user === "debezium")?.serverPrivileges?.privileges).toEqual(
      expect.arrayContaining(["REPLICATION SLAVE", "REPLICATION CLIENT"]),
    );
  });

  it("declares the /faf-core vhost with FAF's five broker users, PostgreSQL's two and MongoDB's one", () => {
    expect(plan.rabbitmq.vhosts).toEqual(["/faf-core"]);
    expect(plan.rabbitmq.users.map((u) => u.user)).toEqual([
      "debezium",
      "faf-api",
      "faf-icebreaker",
      "faf-league-service",
      "faf-lobby-server",
    ]);
    expect(plan.rabbitmq.exchanges.map((e) => `${e.name}:${e.type}`)).toEqual(["faf-debezium:topic", "faf-lobby:topic"]);
    expect(plan.postgres.users.map((u) => `${u.user}@${u.grants[0]!.database}`)).toEqual(["hydra@ory-hydra", "wikijs@wikijs"]);
    expect(plan.mongodb.users.map((u) => `${u.user}@${u.grants[0]!.database}`)).toEqual(["nodebb@nodebb"]);
  });

  it("reads every password from a key the owning workload's secret declares", () => {
    const declared = new Set(CATALOGUE.flatMap((spec) => (spec.secrets?.keys ?? []).map((key) => `${spec.name}/${key}`)));
    const read = passwordKeysRead(plan);
    expect(read.length).toBeGreaterThanOrEqual(19);
    expect(read.filter((ref) => !declared.has(ref))).toEqual([]);
  });

  it("refuses a password key the workload does not declare, naming the fix", () => {
    const bad = app("x", { databases: [{ engine: "mariadb", database: "d", user: "u", passwordKey: "NOPE" }] });
    expect(() => dataPlan([bad])).toThrow(
      'x.databases[0]: password key "NOPE" is not one of x\'s secret keys; declare it in secrets.keys',
    );
  });

  it("refuses one user with two passwords, and one user claimed by two workloads", () => {
    const twoKeys = app("x", {
      secrets: { keys: ["A", "B"] },
      databases: [
        { engine: "mariadb", database: "d1", user: "u", passwordKey: "A" },
        { engine: "mariadb", database: "d2", user: "u", passwordKey: "B" },
      ],
    });
    expect(() => dataPlan([twoKeys])).toThrow('mariadb user "u" is declared by x (password key A) and by x (password key B)');
    const other = app("y", {
      secrets: { keys: ["A"] },
      databases: [{ engine: "mariadb", database: "d1", user: "u", passwordKey: "A" }],
    });
    const first = app("x", {
      secrets: { keys: ["A"] },
      databases: [{ engine: "mariadb", database: "d1", user: "u", passwordKey: "A" }],
    });
    expect(() => dataPlan([first, other])).toThrow("a user has one password");
  });

  it("refuses an exchange declared with two types", () => {
    const broker = (name: string, type: "topic" | "fanout") =>
      app(name, {
        secrets: { keys: ["P"] },
        broker: { vhost: "/v", user: name, passwordKey: "P", exchanges: [{ name: "e", type }] },
      });
    expect(() => dataPlan([broker("a", "topic"), broker("b", "fanout")])).toThrow(
      'exchange "e" is declared topic by a and fanout by b',
    );
  });

  it("names objects after databases and users in DNS-1123 form", () => {
    expect(objectName("mariadb", "faf-java-api", "faf_lobby")).toBe("mariadb-faf-java-api-faf-lobby");
    expect(objectName("vhost", "/faf-core")).toBe("vhost-faf-core");
  });
});

describe("data objects", () => {
  const plan = dataPlan(CATALOGUE);

  it("reads a MariaDB user's password straight from the app's Secret, never drops it, and does not cap its connections", () => {
    const api = plan.mariadb.users.find((u) => u.user === "faf-java-api")!;
    const { user, grants } = mariadbUserObjects(api);
    expect(user.metadata.namespace).toBe("faf-apps");
    expect(user.spec).toMatchObject({
      mariaDbRef: { name: "mariadb", namespace: "faf-infra" },
      passwordSecretKeyRef: { name: "faf-api", key: "DATABASE_PASSWORD" },
      cleanupPolicy: "Skip",
      maxUserConnections: 0,
    });
    expect(grants.map((g) => (g.spec as { database: string }).database)).toEqual(["faf_lobby", "faf-league"]);
  });

  it("always writes FAF's binary log: mysql-bin, ROW events with FULL row images, kept 10 days, in every environment", () => {
    for (const environment of ["prod", "test", "local"] as const) {
      const lines = myCnf(environment).split("\n");
      expect(lines).toEqual(
        expect.arrayContaining([
          "log_bin=mysql-bin",
          "binlog_format=ROW",
          "binlog_row_image=FULL",
          "binlog_expire_logs_seconds=864000",
        ]),
      );
    }
    expect(myCnf("local")).toContain("innodb_buffer_pool_size=256M");
    expect((mariadbServer(context).spec as { myCnf: string }).myCnf).toContain("log_bin=mysql-bin");
  });

  it("gives each broker user a labelled credentials Secret copied from the app's key, and a permission on its vhost", () => {
    const lobby = plan.rabbitmq.users.find((u) => u.user === "faf-lobby-server")!;
    expect(rabbitmqCredentials(lobby)).toMatchObject({
      name: "rabbitmq-user-faf-lobby-server",
      username: "faf-lobby-server",
      password: { workload: "faf-lobby-server", key: "MQ_PASSWORD" },
      labels: { "rabbitmq.com/topology-operator": "true" },
    });
    const { permission } = rabbitmqUserObjects(lobby);
    expect(permission.spec).toMatchObject({ vhost: "/faf-core", userReference: { name: "rabbitmq-user-faf-lobby-server" } });
  });

  it("names each setup job by its content, so a changed user runs it again", () => {
    const wikijs = plan.postgres.users.find((u) => u.user === "wikijs")!;
    const a = dataJob(POSTGRES.userJob(wikijs, "postgres-user-wikijs"));
    const b = dataJob(POSTGRES.userJob({ ...wikijs, grants: [{ database: "wiki2", privileges: [] }] }, "postgres-user-wikijs"));
    expect(a.metadata.name).toMatch(/^postgres-user-wikijs-[0-9a-f]{10}$/);
    expect(a.metadata.name).not.toBe(b.metadata.name);
    expect(a.metadata.name).toBe(dataJob(POSTGRES.userJob(wikijs, "postgres-user-wikijs")).metadata.name);
  });
});

const shellcheckAvailable = toolAvailable("shellcheck");

describe("data job scripts", () => {
  const plan = dataPlan(CATALOGUE);
  const jobs: DataJob[] = [
    ...plan.postgres.users.map((u) => POSTGRES.userJob(u, "c")),
    POSTGRES.backupJob(context),
    POSTGRES.restoreJob(),
    ...plan.mongodb.users.map((u) => MONGODB.userJob(u, "c")),
    MONGODB.backupJob(context),
    MONGODB.restoreJob(),
  ];

  it.skipIf(!shellcheckAvailable)(
    "pass shellcheck as POSIX sh (the official images run them with sh -c), as do their fakes",
    () => {
      const dir = tempDir("faf-data-sc-");
      const files = jobs.map((job, i) => {
        const path = join(dir, `${i}-${job.service}-${job.role}.sh`);
        // Word splitting of $login is intended (several flags in one variable).
        writeFileSync(path, `#!/bin/sh\n# shellcheck disable=SC2086\nset -eu\n${job.script}\n`);
        return path;
      });
      const fakes = join(__dirname, "fakes");
      const fakeFiles = readdirSync(fakes).map((f) => join(fakes, f));
      const result = spawnSync("shellcheck", ["-x", "-s", "sh", ...files, ...fakeFiles], { encoding: "utf8", cwd: fakes });
      expect(result.stdout + result.stderr).toBe("");
      expect(result.status).toBe(0);
    },
  );

  it("get the retention setting and their own backups volume (behaviour: jobs-simulated.test.ts)", () => {
    for (const job of [POSTGRES.backupJob(context), MONGODB.backupJob(context)]) {
      expect(job.env).toContainEqual({ name: "RETENTION_DAYS", value: "14" });
      expect(job.backups).toBe(`backups-${job.service}`);
    }
  });
});
