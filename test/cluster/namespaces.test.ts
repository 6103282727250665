import * as k8s from "@pulumi/kubernetes";
import { beforeAll, describe, expect, it } from "vitest";
import { Namespaces, namespaceObjects } from "../../components/cluster/namespaces";
import { NAMESPACES } from "../../components/lib/names";
import type { CapturedResource } from "../../render/engine";
import { captureResources } from "../support/mocks";

let resources: CapturedResource[];

beforeAll(async () => {
  resources = await captureResources(() => {
    const provider = new k8s.Provider("k8s", { context: "test" });
    new Namespaces("prod-ns", { protect: true }, { providers: [provider] });
    new Namespaces("local-ns", { protect: false }, { providers: [provider] });
  });
});

describe("Namespaces component", () => {
  it("creates every namespace the program refers to, by its defined name", () => {
    expect(namespaceObjects().map((n) => n.object.metadata.name)).toEqual(Object.values(NAMESPACES));
    const names = resources
      .filter((r) => r.parent === "prod-ns" && r.type === "kubernetes:core/v1:Namespace")
      .map((r) => (r.inputs.metadata as { name: string }).name);
    expect(names.sort()).toEqual([...Object.values(NAMESPACES)].sort());
  });

  it("protects them when asked, so a destroy cannot take the claims and secrets inside with it", () => {
    const prod = resources.filter((r) => r.parent === "prod-ns" && r.type === "kubernetes:core/v1:Namespace");
    const local = resources.filter((r) => r.parent === "local-ns" && r.type === "kubernetes:core/v1:Namespace");
    expect(prod.every((r) => r.options.protect === true)).toBe(true);
    expect(local.every((r) => r.options.protect === undefined)).toBe(true);
  });
});
