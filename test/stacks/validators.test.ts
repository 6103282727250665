import { describe, expect, it } from "vitest";
import { validateCoreObject } from "../support/core-schema";
import { validateCustomObject } from "../support/crd-schemas";
import { upstreamCrdsAvailable, validateUpstream } from "../support/upstream-crds";

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "x", namespace: "faf-apps" },
  spec: {
    selector: { matchLabels: { a: "b" } },
    template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "x", image: "nginx:1.29.3" }] } },
  },
};
const route = {
  apiVersion: "traefik.io/v1alpha1",
  kind: "IngressRoute",
  metadata: { name: "x", namespace: "faf-apps" },
  spec: { entryPoints: ["websecure"], routes: [{ kind: "Rule", match: "Host(`a`)", services: [{ name: "x", port: 80 }] }] },
};

describe("the schema checks themselves", () => {
  it("accept a valid Deployment", () => {
    expect(validateCoreObject(deployment)).toEqual([]);
  });

  it("reject a misspelt field deep in a pod template", () => {
    const bad = structuredClone(deployment) as any;
    bad.spec.template.spec.containers[0].readinessprobe = {};
    expect(validateCoreObject(bad)).toEqual(['unknown field "spec.template.spec.containers[0].readinessprobe"']);
  });

  it("reject a value of the wrong type", () => {
    const bad = structuredClone(deployment) as any;
    bad.spec.replicas = "two";
    expect(validateCoreObject(bad).join()).toContain("replicas must be integer");
  });

  it("reject an unknown field in a Traefik route", () => {
    expect(validateCustomObject(route)).toEqual([]);
    const bad = structuredClone(route) as any;
    bad.spec.routes[0].middleware = [{ name: "m" }];
    expect(validateCustomObject(bad).join()).toContain("middleware");
  });

  it.skipIf(!upstreamCrdsAvailable)("reject an unknown field against the upstream CRD schema", () => {
    expect(validateUpstream(route)).toEqual([]);
    const bad = structuredClone(route) as any;
    bad.spec.routes[0].services[0].prot = 80;
    expect(validateUpstream(bad)?.join()).toContain("additionalProperty");
  });
});
