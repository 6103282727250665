import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { fafDbMigrations } from "../../components/apps/faf-db-migrations";
import { oryHydra } from "../../components/apps/ory-hydra";
import { Workload } from "../../components/apps/workload";
import type { CapturedResource } from "../../render/engine";
import { byName, captureResources } from "../support/mocks";
import { laptopContext } from "../support/render-context";

const context = laptopContext();

let resources: CapturedResource[];
let hydra: Workload;

beforeAll(async () => {
  resources = await captureResources(() => {
    const provider = new k8s.Provider("k8s", { context: "test" });
    const migrations = new Workload("faf-db-migrations", { spec: fafDbMigrations, context }, { providers: [provider] });
    hydra = new Workload("ory-hydra", { spec: oryHydra, context, after: [migrations] }, { providers: [provider] });
    // A second instance of the same spec under another name must not collide.
    new Workload("ory-hydra-copy", { spec: oryHydra, context }, { providers: [provider] });
  });
});

describe("Workload component", () => {
  it("registers as faf:apps:Workload and parents every object to itself", () => {
    expect(byName(resources, "ory-hydra").type).toBe("faf:apps:Workload");
    const children = resources.filter((r) => r.parent === "ory-hydra");
    expect(children.map((r) => r.name).sort()).toEqual([
      "ory-hydra-deployment",
      "ory-hydra-env",
      "ory-hydra-ingressroute",
      "ory-hydra-job-migrate",
      "ory-hydra-networkpolicy",
      "ory-hydra-service",
      "ory-hydra-serviceaccount",
      "ory-hydra-task-janitor",
    ]);
  });

  it("names children after the component, so it can be instantiated twice", () => {
    expect(resources.filter((r) => r.parent === "ory-hydra-copy").every((r) => r.name.startsWith("ory-hydra-copy-"))).toBe(true);
  });

  it("runs the migration job after its config exists, and starts the server only after the job", () => {
    expect(byName(resources, "ory-hydra-job-migrate").dependsOn).toEqual(
      expect.arrayContaining(["ory-hydra-env", "ory-hydra-serviceaccount", "ory-hydra-networkpolicy"]),
    );
    expect(byName(resources, "ory-hydra-deployment").dependsOn).toContain("ory-hydra-job-migrate");
  });

  it("starts after the workloads it is told to wait for", () => {
    expect(byName(resources, "ory-hydra-deployment").dependsOn).toContain("faf-db-migrations-job-migrate");
    expect(byName(resources, "ory-hydra-copy-deployment").dependsOn).not.toContain("faf-db-migrations-job-migrate");
  });

  it("gives a job Pulumi's wait as long as the job's own deadline plus pull time", () => {
    expect(byName(resources, "faf-db-migrations-job-migrate").options.customTimeouts).toEqual({
      create: "3900s",
      update: "3900s",
    });
  });

  it("uses the provider it was given for every object", () => {
    for (const child of resources.filter((r) => r.parent === "ory-hydra")) expect(child.options.provider).toBe("k8s");
  });

  it("creates no controller for a jobs-only workload", () => {
    expect(
      resources
        .filter((r) => r.parent === "faf-db-migrations")
        .map((r) => r.type)
        .sort(),
    ).toEqual([
      "kubernetes:batch/v1:Job",
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    ]);
  });

  it("exposes the controller it created", async () => {
    const name = await new Promise((resolve) => (hydra.controller as k8s.apps.v1.Deployment).metadata.name.apply(resolve));
    expect(name).toBe("ory-hydra");
  });
});
