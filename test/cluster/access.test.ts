import { describe, expect, it } from "vitest";
import { accessObjects, maintainerRole } from "../../components/cluster/access";

describe("access", () => {
  const objects = accessObjects({ adminGroups: ["faf-infra-admins"], maintainerGroups: ["faf-app-maintainers"] });

  it("lets maintainers read workloads, logs and events and port-forward, but never read Secrets", () => {
    const rules = (maintainerRole() as any).rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    const resources = rules.flatMap((r) => r.resources);
    expect(resources).toEqual(expect.arrayContaining(["pods/log", "events", "deployments", "pods/portforward"]));
    expect(resources).not.toContain("secrets");
    expect(rules.flatMap((r) => [...r.verbs, ...r.resources, ...r.apiGroups])).not.toContain("*");
    expect(resources.filter((r) => r === "pods/exec")).toEqual([]);
  });

  it("binds maintainers in each FAF namespace and admins cluster-wide, through their login groups", () => {
    const bindings = objects.filter((o) => o.kind === "RoleBinding");
    expect(bindings.map((b) => b.metadata.namespace)).toEqual(["faf-apps", "faf-infra", "faf-ops"]);
    expect((bindings[0] as any).subjects).toEqual([
      { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "oidc:faf-app-maintainers" },
    ]);
    const admins = objects.find((o) => o.kind === "ClusterRoleBinding") as any;
    expect(admins.roleRef.name).toBe("cluster-admin");
    expect(admins.subjects[0].name).toBe("oidc:faf-infra-admins");
  });

  it("binds nobody when no groups are configured", () => {
    expect(accessObjects({ adminGroups: [], maintainerGroups: [] }).map((o) => o.kind)).toEqual(["ClusterRole"]);
  });
});
