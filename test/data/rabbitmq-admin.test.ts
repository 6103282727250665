import { describe, expect, it } from "vitest";
import { credentialSync } from "../../components/data/common";
import { dataSecretFolders } from "../../components/data/data-services";
import { rabbitmqAdminObjects } from "../../components/data/rabbitmq";

const source = {
  kind: "infisical" as const,
  authRef: { name: "infisical", namespace: "faf-ops" },
  projectSlug: "faf",
  environment: "prod",
};

describe("RabbitMQ's admin user", () => {
  const admin = rabbitmqAdminObjects(["/faf-core"]);

  it("is FAF's faf-admin, an administrator, with its password from the rabbitmq folder's ADMIN_PASSWORD", () => {
    expect(admin.credentials).toMatchObject({
      name: "rabbitmq-user-faf-admin",
      namespace: "faf-apps",
      username: "faf-admin",
      password: { workload: "rabbitmq", key: "ADMIN_PASSWORD" },
      labels: { "rabbitmq.com/topology-operator": "true" },
    });
    expect(admin.user.spec).toMatchObject({
      tags: ["administrator"],
      importCredentialsSecret: { name: "rabbitmq-user-faf-admin" },
      rabbitmqClusterReference: { name: "rabbitmq" },
    });
    const sync = credentialSync(admin.credentials, source) as any;
    expect(sync.spec.sources[0].secretPath).toBe("/rabbitmq");
    expect(sync.spec.targets[0].template.data).toEqual({ username: "faf-admin", password: "{{ .ADMIN_PASSWORD.Value }}" });
  });

  it("has every permission on the default vhost and on each vhost the apps use", () => {
    expect(admin.permissions.map((p) => (p.spec as any).vhost)).toEqual(["/", "/faf-core"]);
    expect(admin.permissions.map((p) => p.metadata.name)).toEqual([
      "rabbitmq-permission-faf-admin-default",
      "rabbitmq-permission-faf-admin-faf-core",
    ]);
    for (const p of admin.permissions) {
      expect((p.spec as any).permissions).toEqual({ configure: ".*", read: ".*", write: ".*" });
      expect((p.spec as any).userReference).toEqual({ name: "rabbitmq-user-faf-admin" });
    }
  });

  it("is a key `npm run secrets:check` asks the secret store for whenever RabbitMQ runs", () => {
    expect(dataSecretFolders(["rabbitmq"])).toEqual([
      { path: "/rabbitmq", keys: ["ADMIN_PASSWORD"], reader: "rabbitmq (faf-admin, the admin user)" },
    ]);
    expect(dataSecretFolders(["mariadb"]).some((f) => f.path === "/rabbitmq")).toBe(false);
  });
});
