import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fakeNode } from "../../e2e/cluster";
import { mutatingCalls, prodLikeNode, prodLikeSettings, prodSettings } from "../../e2e/prod-like";
import { renderK3sModule } from "../../components/host/nix";
import { isProgramModule, selectedStacks } from "../../e2e/run";
import { sshdConfig } from "../../e2e/sshd";
import { SimulatedHost } from "../host/simulated-host";

const ROOT = path.resolve(__dirname, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "faf-prod-like-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const server = { port: 40022, user: "root", clientKey: "", hostKey: "ssh-ed25519 AAAAC3Nza-e2e", sessionPath: "" };

describe("the e2e's prod-like stack", () => {
  it("is prod's settings with only the server node moved to the loopback sshd, its host key pinned", () => {
    const prod = prodSettings(ROOT);
    const settings = prodLikeSettings(ROOT, server, { "faf:sources": { charts: {} } });
    const host = settings["faf:host"] as { nodes: Record<string, unknown>[] };
    expect(host.nodes).toEqual([
      expect.objectContaining({
        name: "fafprod3",
        role: "server",
        address: "127.0.0.1",
        port: 40022,
        user: "root",
        hostKey: server.hostKey,
      }),
    ]);
    const { "faf:host": prodHost, ...prodRest } = prod;
    const { "faf:host": _host, "faf:sources": sources, ...rest } = settings;
    expect(rest).toEqual(prodRest);
    expect(sources).toEqual({ charts: {} });
    expect({ ...(prodHost as object), nodes: [] }).toEqual({ ...host, nodes: [] });
  });

  it("registers the node as k3s on prod's server does: its name and the storage label the module gives it, which the PVs' node affinity needs", () => {
    const node = fakeNode(prodLikeNode(ROOT)) as { metadata: { name: string; labels: Record<string, string> } };
    expect(node.metadata.name).toBe("fafprod3");
    expect(node.metadata.labels).toMatchObject({ "openebs.io/nodeid": "fafprod3", "kubernetes.io/hostname": "fafprod3" });
    const module = renderK3sModule({
      nodeName: "fafprod3",
      tlsSans: [],
      containerStorageDevice: "/dev/zvol/x",
      mountsBeforeK3s: [],
    });
    for (const [label, value] of Object.entries(prodLikeNode(ROOT).labels))
      expect(module).toContain(`--node-label=${label}=${value}`);
  });

  it("gives every SSH session the simulated host's root and state besides the fakes' PATH", () => {
    const config = sshdConfig("/tmp/x", 40022, ["/opt/fakes"], { FAF_ROOT: "/tmp/h/root", FAKE_STATE: "/tmp/h/state" });
    expect(config).toMatch(/^SetEnv PATH=\/opt\/fakes:\S+ FAF_ROOT=\/tmp\/h\/root FAKE_STATE=\/tmp\/h\/state$/m);
  });

  it("has k3s hand out the throwaway cluster's kubeconfig when nixos-rebuild switch starts it, and counts the switch as a mutation", () => {
    const host = new SimulatedHost({ base: path.join(tmp, "host") });
    const kubeconfig = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:41234\n  name: faf-e2e\n";
    fs.writeFileSync(path.join(host.state, "k3s.yaml"), kubeconfig);
    const run = host.run("nixos-rebuild switch --flake /etc/nixos#fafprod3");
    expect(run.code, run.stderr).toBe(0);
    expect(host.read("/etc/rancher/k3s/k3s.yaml")).toBe(kubeconfig);
    expect(mutatingCalls(host)).toEqual(["MUTATE nixos-rebuild switch --flake /etc/nixos#fafprod3"]);
  });
});

describe("FAF_E2E_STACKS", () => {
  it("runs both stacks by default, a chosen one alone, and names an unknown one with the known ones", () => {
    expect(selectedStacks(undefined)).toEqual(["local", "prod-like"]);
    expect(selectedStacks("prod-like")).toEqual(["prod-like"]);
    expect(selectedStacks(" prod-like , local")).toEqual(["local", "prod-like"]);
    expect(() => selectedStacks("prod")).toThrow("FAF_E2E_STACKS: unknown stack prod (the stacks: local, prod-like)");
  });
});

describe("each stack's render in the e2e", () => {
  it("runs the program afresh: its modules leave Node's cache, the render engine's and the dependencies' stay", () => {
    expect(isProgramModule("/p/index.ts", "/p")).toBe(true);
    expect(isProgramModule("/p/components/apps/whoami.ts", "/p")).toBe(true);
    expect(isProgramModule("/p/render/engine.ts", "/p")).toBe(false);
    expect(isProgramModule("/p/node_modules/@pulumi/pulumi/index.js", "/p")).toBe(false);
    expect(isProgramModule("/elsewhere/x.ts", "/p")).toBe(false);
  });
});
