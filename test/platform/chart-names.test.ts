import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { argocdServerService, chartName, helmFullname } from "../../components/platform/chart-names";
import { CHARTS } from "../../components/platform/charts";
import { readManifests, readResources } from "../support/stacks";

describe("names of chart-created objects", () => {
  it("follows Helm's fullname rule: the release alone when it contains the chart's name, else <release>-<name>", () => {
    expect(helmFullname("traefik", "traefik")).toBe("traefik");
    expect(helmFullname("traefik", "traefik-chart")).toBe("traefik-chart");
    expect(helmFullname("cert-manager", "data")).toBe("data-cert-manager");
    expect(helmFullname("argo-cd", "ops", { nameOverride: "argocd" })).toBe("ops-argocd");
    expect(helmFullname("argo-cd", "anything", { fullnameOverride: "x-" })).toBe("x");
    expect(helmFullname("a", "r".repeat(70))).toHaveLength(63);
  });

  it("derives argo-cd's server Service from the release: the resource name as release would give argocd-chart-server", () => {
    // The bug this guards: Chart v4 without `name` uses the resource name as the release.
    expect(argocdServerService("argocd-chart", {}).name).toBe("argocd-chart-server");
    expect(argocdServerService("argocd", {})).toEqual({ name: "argocd-server", port: 80 });
    expect(argocdServerService("faf", { server: { name: "api", service: { servicePortHttp: 8080 } } })).toEqual({
      name: "faf-argocd-api",
      port: 8080,
    });
  });

  it("reads the chart's name from an OCI reference as the templates see it", () => {
    expect(chartName("mariadbOperator")).toBe("mariadb-operator");
    expect(chartName("argocd")).toBe("argo-cd");
  });
});

describe("prod render: every chart has an explicit release and every reference matches it", () => {
  const dir = () => join(inject("renderDir"), "prod");

  it("installs each pinned chart under its release name from CHARTS, never the Pulumi resource name", () => {
    const charts = readResources(dir()).filter((r) => r.type === "kubernetes:helm.sh/v4:Chart");
    expect(charts).toHaveLength(Object.keys(CHARTS).length);
    for (const chart of charts) {
      const pin = Object.values(CHARTS).find((p) => p.chart === chart.inputs.chart);
      expect(pin, String(chart.inputs.chart)).toBeDefined();
      expect(chart.inputs.name).toBe(pin?.release);
    }
  });

  it("routes argocd.<domain> to the Service the argo-cd chart creates for the rendered release and values", () => {
    const chart = readResources(dir()).find((r) => r.inputs.chart === "argo-cd")!;
    const expected = argocdServerService(String(chart.inputs.name), chart.inputs.values as Record<string, unknown>);
    const route = readManifests(dir()).find((m) => m.object.kind === "IngressRoute" && m.object.metadata.namespace === "argocd")!
      .object as any;
    const targets = route.spec.routes.flatMap((r: any) => r.services);
    expect(targets.length).toBe(2);
    for (const target of targets) expect({ name: target.name, port: target.port }).toEqual(expected);
    expect(expected.name).toBe("argocd-server");
  });
});
