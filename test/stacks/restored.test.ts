import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { POSTGRES_IMAGE } from "../../components/data/postgres";
import { readManifests, readResources, type RenderedObject } from "../support/stacks";

/**
 * What FAF's workloads do that a port loses easily (issue 14, item 3), checked on the offline
 * renders: each `it` fails when its piece is dropped again.
 */
const dir = (stack: string) => join(inject("renderDir"), stack);
const cache = new Map<string, RenderedObject[]>();
const manifests = (stack: string) => {
  if (!cache.has(stack)) cache.set(stack, readManifests(dir(stack)));
  return cache.get(stack)!;
};
function find(stack: string, kind: string, name: string, apiPrefix = ""): any {
  const found = manifests(stack).filter(
    (m) => m.object.kind === kind && m.object.metadata.name === name && m.object.apiVersion.startsWith(apiPrefix),
  );
  expect(found, `${stack}: ${kind} ${name}`).toHaveLength(1);
  return found[0]!.object;
}
const pod = (controller: any) => controller.spec.template.spec;
const initNamed = (controller: any, name: string) => (pod(controller).initContainers ?? []).find((c: any) => c.name === name);
const mountAt = (container: any, path: string) => (container.volumeMounts ?? []).find((m: any) => m.mountPath === path);
const secretKeys = (container: any) =>
  (container.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef);

const RESTRICTED = {
  allowPrivilegeEscalation: false,
  privileged: false,
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

describe("faf-icebreaker's GeoIP database", () => {
  it.each(["prod", "test"])("%s downloads GeoLite2-City into the volume icebreaker reads, before it starts", (stack) => {
    const deployment = find(stack, "Deployment", "faf-icebreaker");
    const step = initNamed(deployment, "geolite-db-dl");
    expect(step, "init container geolite-db-dl").toBeDefined();
    expect(step.image).toBe("ghcr.io/maxmind/geoipupdate:v7.1.1");
    const env = Object.fromEntries((step.env ?? []).filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ GEOIPUPDATE_DB_DIR: "/geoip", GEOIPUPDATE_FREQUENCY: "0" });
    // The edition comes from the workload's ConfigMap, which the step reads like the app.
    const configMap = step.envFrom?.[0]?.configMapRef?.name;
    expect(find(stack, "ConfigMap", configMap).data.GEOIPUPDATE_EDITION_IDS).toBe("GeoLite2-City");
    // The licence from the workload's synced Secret, and nothing else of it.
    expect(secretKeys(step)).toEqual([
      { name: "faf-icebreaker", key: "GEOIPUPDATE_ACCOUNT_ID" },
      { name: "faf-icebreaker", key: "GEOIPUPDATE_LICENSE_KEY" },
    ]);
    // The same volume at the same path in the step and in the app.
    const app = pod(deployment).containers[0];
    expect(mountAt(step, "/geoip")).toBeDefined();
    expect(mountAt(step, "/geoip").name).toBe(mountAt(app, "/geoip").name);
    expect(pod(deployment).volumes.find((v: any) => v.name === mountAt(app, "/geoip").name).emptyDir).toBeDefined();
    expect(step.securityContext).toEqual(RESTRICTED);
    expect(step.resources.limits.memory).toMatch(/^\d+Mi$/);
  });

  it("is skipped on a laptop, where there is no MaxMind account", () => {
    expect(pod(find("local", "Deployment", "faf-icebreaker")).initContainers).toBeUndefined();
  });
});

describe("faf-policy-server's uid-verifier", () => {
  it.each(["prod", "test"])("%s clones FAForever/uid-verifier into /app/verifier before the server starts", (stack) => {
    const deployment = find(stack, "Deployment", "faf-policy-server");
    const step = initNamed(deployment, "load-uid-verifier");
    expect(step, "init container load-uid-verifier").toBeDefined();
    expect(step.image).toMatch(/^alpine\/git:v\d+\.\d+\.\d+$/);
    const env = Object.fromEntries((step.env ?? []).filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));
    expect(env.REPOSITORY).toBe("https://github.com/FAForever/uid-verifier.git");
    expect(env.TARGET).toBe("/app/verifier");
    expect(secretKeys(step)).toEqual([
      { name: "faf-policy-server", key: "GITHUB_TOKEN" },
      { name: "faf-policy-server", key: "GITHUB_USER" },
    ]);
    const app = pod(deployment).containers[0];
    expect(mountAt(step, "/app/verifier").name).toBe(mountAt(app, "/app/verifier").name);
    expect(step.securityContext).toEqual(RESTRICTED);
    // The token is handed to git by a helper, never put into the URL (which the clone would keep).
    expect(step.args.join("\n")).toContain("credential.helper=");
    expect(JSON.stringify(step)).not.toMatch(/https:\/\/[^"/]*@github\.com/);
  });

  it("is skipped on a laptop, which has no token for the private repository", () => {
    expect(pod(find("local", "Deployment", "faf-policy-server")).initContainers).toBeUndefined();
  });
});

describe("PostgreSQL's major-version upgrade step", () => {
  it.each(["prod", "test", "local"])("%s runs the guarded pgautoupgrade step on the data volume before the server", (stack) => {
    const server = find(stack, "StatefulSet", "postgres");
    const step = initNamed(server, "pgautoupgrade");
    expect(step, "init container pgautoupgrade").toBeDefined();
    const [, upgradeMajor] = /^docker\.io\/pgautoupgrade\/pgautoupgrade:(\d+)-/.exec(step.image) ?? [];
    const serverMajor = /:(\d+)\./.exec(POSTGRES_IMAGE)![1];
    // An upgrade image for another major would upgrade the data to a version the server cannot read.
    expect(upgradeMajor).toBe(serverMajor);
    expect(pod(server).containers[0].image).toBe(POSTGRES_IMAGE);
    expect(step.env).toEqual(expect.arrayContaining([{ name: "SERVER_MAJOR", value: serverMajor }]));
    const app = pod(server).containers[0];
    expect(mountAt(step, "/var/lib/postgresql/data").name).toBe(mountAt(app, "/var/lib/postgresql/data").name);
    expect(mountAt(step, "/var/run/postgresql")).toBeDefined();
    expect(step.args[0]).toContain("PGAUTO_ONESHOT=yes");
    expect(step.args[0]).toContain("docs/runbooks/postgres-major-upgrade.md");
    // The server's user: the data directory is already its own.
    expect(pod(server).securityContext.runAsUser).toBe(999);
    expect(step.securityContext).toEqual(RESTRICTED);
    expect(step.resources.limits.memory).toBeDefined();
  });
});

describe("MariaDB's binary log", () => {
  it.each(["prod", "test", "local"])("%s always writes FAF's binary log: ROW, FULL row images, 10 days", (stack) => {
    const cnf = String(find(stack, "MariaDB", "mariadb").spec.myCnf).split("\n");
    expect(cnf).toEqual(
      expect.arrayContaining([
        "log_bin=mysql-bin",
        "binlog_format=ROW",
        "binlog_row_image=FULL",
        "binlog_expire_logs_seconds=864000",
      ]),
    );
  });
});

describe("RabbitMQ's admin user", () => {
  it("prod declares faf-admin, an administrator whose password is FAF's /rabbitmq ADMIN_PASSWORD from Infisical", () => {
    const user = find("prod", "User", "rabbitmq-user-faf-admin", "rabbitmq.com");
    expect(user.spec.tags).toEqual(["administrator"]);
    const sync = find("prod", "InfisicalStaticSecret", user.spec.importCredentialsSecret.name);
    expect(sync.spec.sources).toEqual([expect.objectContaining({ secretPath: "/rabbitmq", environmentSlug: "prod" })]);
    const target = sync.spec.targets[0];
    expect(target.template.data).toEqual({ username: "faf-admin", password: "{{ .ADMIN_PASSWORD.Value }}" });
    expect(target.metadata.labels["rabbitmq.com/topology-operator"]).toBe("true");
  });

  it("prod gives faf-admin every permission on the default vhost and on /faf-core", () => {
    const permissions = manifests("prod")
      .map((m) => m.object as any)
      .filter((o) => o.kind === "Permission" && o.spec.userReference.name === "rabbitmq-user-faf-admin");
    expect(permissions.map((p) => p.spec.vhost).sort()).toEqual(["/", "/faf-core"]);
    for (const p of permissions) expect(p.spec.permissions).toEqual({ configure: ".*", read: ".*", write: ".*" });
  });

  it("local generates faf-admin's password, like every other secret there", () => {
    const secret = find("local", "Secret", "rabbitmq-user-faf-admin");
    expect(secret.metadata.annotations["faforever.com/password-from"]).toBe("rabbitmq/ADMIN_PASSWORD");
    expect(Object.keys(secret.stringData).sort()).toEqual(["password", "username"]);
    const passwords = readResources(dir("local")).filter((r) => r.type === "random:index/randomPassword:RandomPassword");
    expect(passwords.map((r) => r.name)).toContain("rabbitmq-secret-admin-password");
    expect(find("local", "User", "rabbitmq-user-faf-admin", "rabbitmq.com").spec.tags).toEqual(["administrator"]);
  });
});
