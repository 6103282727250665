import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import type { HostSettings } from "../../components/config/profile";
import { HOST_SETTINGS } from "./fixtures";
import { VOLUMES } from "../../components/cluster/storage-table";
import { K3sHost } from "../../components/host/k3s-host";
import type { CapturedResource } from "../../render/engine";
import { byName, captureResources } from "../support/mocks";

const settings: HostSettings = { ...HOST_SETTINGS, nodes: [{ ...HOST_SETTINGS.nodes[0]!, port: 2222 }] };

let resources: CapturedResource[];
let host: K3sHost;
let agentHost: K3sHost;
const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

beforeAll(async () => {
  resources = await captureResources(() => {
    host = new K3sHost("prod", {
      host: settings,
      baseDomain: "faforever.com",
      sshPrivateKey: pulumi.secret("KEY"),
      volumes: VOLUMES,
    });
    agentHost = new K3sHost("agent", { host: settings, baseDomain: "faforever.com", sshPrivateKey: undefined, volumes: VOLUMES });
  });
});

describe("K3sHost component", () => {
  it("runs its steps in order, each after the one before", () => {
    const chain = [
      "prod-preflight",
      "prod-datasets",
      "prod-container-storage",
      "prod-k3s-module",
      "prod-ready",
      "prod-kubeconfig",
      "prod-certificates",
    ];
    chain.forEach((name, i) => {
      const step = byName(resources, name);
      expect(step.type).toBe("command:remote:Command");
      expect(step.parent).toBe("prod");
      expect(step.dependsOn).toEqual(i === 0 ? [] : [chain[i - 1]]);
    });
  });

  it("marks the kubeconfig step's stdout secret and logs none of it", () => {
    const step = byName(resources, "prod-kubeconfig");
    expect(step.options.additionalSecretOutputs).toContain("stdout");
    expect(step.inputs.logging).toBe("none");
    expect(byName(resources, "prod-datasets").options.additionalSecretOutputs ?? []).not.toContain("stdout");
  });

  it("re-runs a changed step in place: update is the same script as create", () => {
    const step = byName(resources, "prod-datasets");
    expect(step.inputs.update).toBe(step.inputs.create);
    expect(step.inputs.delete).toContain("pulumi never destroys data");
  });

  it("keeps the SSH connection, key included, secret", () => {
    const connection = byName(resources, "prod-preflight").inputs.connection as Record<string, unknown>;
    expect(connection.privateKey).toBe("[secret]");
    expect(Object.values(connection).every((v) => v === "[secret]")).toBe(true);
    expect(Object.keys(byName(resources, "agent-preflight").inputs.connection as object)).not.toContain("privateKey");
    expect(JSON.stringify(resources)).not.toContain('KEY"');
  });

  it("gives the provider the kubeconfig rewritten to the host, from the kubeconfig step, with a stable cluster identifier", async () => {
    const provider = byName(resources, "prod-kubernetes");
    expect(provider.type).toBe("pulumi:providers:kubernetes");
    expect(provider.inputs).toEqual({ kubeconfig: "[secret]", clusterIdentifier: "fafprod3" });
    expect(provider.inputsFrom).toEqual(["prod-kubeconfig"]);
    const kubeconfig = await value(host.kubeconfig);
    expect(kubeconfig).toContain("server: https://203.0.113.7:6443");
    expect(kubeconfig).toContain("current-context: fafprod3");
  });

  it("exposes the certificate expiry the host reported", async () => {
    expect(await value(host.certificateExpiry)).toBe("2099-01-01T00:00:00Z");
    expect(await value(agentHost.certificateExpiry)).toBe("2099-01-01T00:00:00Z");
  });
});
