import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, inject, it } from "vitest";
import { MANIFESTS, RABBITMQ_OPERATORS_KUSTOMIZATION } from "../../components/platform/charts";
import { ROOT } from "../support/cli";
import { readResources } from "../support/stacks";

const kustomization = (dir: string) =>
  parse(readFileSync(join(ROOT, RABBITMQ_OPERATORS_KUSTOMIZATION, dir, "kustomization.yaml"), "utf8")) as {
    resources: string[];
    patches?: { patch: string }[];
  };

describe("RabbitMQ operators kustomization", () => {
  it("applies exactly the pinned release manifests", () => {
    const root = kustomization(".");
    const cluster = kustomization("cluster-operator");
    expect(root.resources).toEqual(["./cluster-operator", MANIFESTS.rabbitmqTopologyOperator.url]);
    expect(cluster.resources).toEqual([MANIFESTS.rabbitmqClusterOperator.url]);
    for (const { version, url } of Object.values(MANIFESTS)) expect(url).toContain(`/download/${version}/`);
  });

  it("drops the cluster operator's copy of the Namespace both manifests declare", () => {
    const patches = kustomization("cluster-operator").patches ?? [];
    expect(patches.map((p) => parse(p.patch) as Record<string, unknown>)).toEqual([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "rabbitmq-system" }, $patch: "delete" },
    ]);
  });

  it("is what the render applies, from a directory that exists relative to the project", () => {
    const directory = readResources(join(inject("renderDir"), "prod")).find(
      (r) => r.type === "kubernetes:kustomize/v2:Directory",
    );
    expect(directory?.inputs.directory).toBe(RABBITMQ_OPERATORS_KUSTOMIZATION);
    expect(existsSync(join(ROOT, RABBITMQ_OPERATORS_KUSTOMIZATION, "kustomization.yaml"))).toBe(true);
  });
});
