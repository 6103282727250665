import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CATALOGUE, resolveServices } from "../../components/apps/catalogue";
import {
  ARGOCD_OIDC_SECRET,
  OAUTH_CLIENTS,
  OAUTH_SERVER,
  clientBody,
  clientsReconciledBy,
  reconcileScript,
  secretVariable,
  type OAuthClient,
} from "../../components/apps/oauth-clients";
import { templateContext } from "../../components/apps/render";
import { readManifests, readResources } from "../support/stacks";

/** FAF's 14 clients (inventory 5.5) and the two the render already names. */
const FAF_CLIENT_IDS = [
  "2e8808cf-5889-469b-b2c3-01f0cc58c4af",
  "95ecec08-29c1-4c48-ae0a-b000ff349cb8",
  "8ff5c14f-60e2-41b9-b594-a641dc5013be",
  "b05039ed-e2ab-4fb6-8a7f-e6ecdcc2edcd",
  "c5613672-0ee5-4956-8b03-c7951ef25640",
  "b9f62a18-faae-43cc-a9b7-e15613e00273",
  "e3dfa9e8-93ad-4593-8b3c-900005439354",
  "97853a31-d7fc-424b-a4c2-f8cd053d10d2",
  "fbdc5ce5-9888-4ace-8ccc-378fbcb18992",
  "5eecb64d-0f67-4a72-ac2b-717b8c7efa98",
  "b44e0022-f6a7-41ec-b6c1-3932b00c88aa",
  "8213f968-676b-4ef5-b9b7-571b60b6ca91",
  "20ca564b-d0d3-445f-8317-ce7cff4f878d",
  "f4d9a7e2-1c3b-4a8e-9f26-8b5e0d47c1a9",
];
const prod = templateContext("prod", "faforever.com");
const byId = (id: string) => OAUTH_CLIENTS.find((c) => c.id === id)!;

describe("Hydra's OAuth clients, as data", () => {
  it("declares FAF's 14 clients plus argocd and kubernetes, each id once", () => {
    const ids = OAUTH_CLIENTS.map((c) => c.id);
    expect([...ids].sort()).toEqual([...FAF_CLIENT_IDS, "argocd", "kubernetes"].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("registers FAF's redirect URIs on the stack's domain", () => {
    const uris = (id: string) => clientBody(byId(id), prod).redirect_uris;
    expect(uris("c5613672-0ee5-4956-8b03-c7951ef25640")).toEqual([
      "https://www.faforever.com/callback",
      "https://www.faforever.com/auth",
    ]);
    expect(uris("97853a31-d7fc-424b-a4c2-f8cd053d10d2")).toEqual(["https://forum.faforever.com/auth/faf-nodebb/callback"]);
    expect(uris("b44e0022-f6a7-41ec-b6c1-3932b00c88aa")).toEqual(["https://wiki.faforever.com/login/hydra/callback"]);
    expect(uris("e3dfa9e8-93ad-4593-8b3c-900005439354")).toEqual(["https://voting.faforever.com/auth"]);
    expect(uris("argocd")).toContain("https://argocd.faforever.com/auth/callback");
    expect(uris("kubernetes")).toContain("http://localhost:8000");
    expect(uris("2e8808cf-5889-469b-b2c3-01f0cc58c4af")).toEqual(["http://127.0.0.1"]);
    expect(uris("b9f62a18-faae-43cc-a9b7-e15613e00273")).toEqual([]);
  });

  it("gives Hydra its fields: space-separated scopes, auth method, consent skipped only for first-party sites", () => {
    const www = clientBody(byId("c5613672-0ee5-4956-8b03-c7951ef25640"), prod);
    expect(www).toMatchObject({
      client_name: "www.faforever.com",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      scope: "openid offline public_profile write_account_data",
      token_endpoint_auth_method: "client_secret_post",
      skip_consent: true,
    });
    expect(clientBody(byId("kubernetes"), prod)).toMatchObject({ token_endpoint_auth_method: "none", skip_consent: false });
    expect(clientBody(byId("fbdc5ce5-9888-4ace-8ccc-378fbcb18992"), prod).grant_types).toEqual(["client_credentials"]);
  });

  it("reads each confidential client's secret from a key that a workload (or Argo CD) declares; public clients have none", () => {
    for (const client of OAUTH_CLIENTS) {
      if (client.authMethod === "none") {
        expect(client.secret, client.id).toBeUndefined();
        continue;
      }
      const secret = client.secret!;
      if (secret.secretName === ARGOCD_OIDC_SECRET.secretName) {
        expect(secret.key).toBe(ARGOCD_OIDC_SECRET.key);
        continue;
      }
      const owner = CATALOGUE.find((spec) => spec.name === secret.secretName);
      expect(owner?.secrets?.keys, `${client.id}: ${secret.secretName}/${secret.key}`).toContain(secret.key);
    }
  });

  it("is reconciled by a workload that requires Hydra and can read the secret (its own Secret or Hydra's)", () => {
    for (const client of OAUTH_CLIENTS) {
      const reconciler = CATALOGUE.find((spec) => spec.name === client.reconciledBy);
      expect(reconciler, client.reconciledBy).toBeDefined();
      expect(resolveServices([client.reconciledBy]).workloads.map((s) => s.name)).toContain(OAUTH_SERVER.workload);
      if (client.secret && client.secret.secretName !== ARGOCD_OIDC_SECRET.secretName) {
        expect([client.reconciledBy, OAUTH_SERVER.workload]).toContain(client.secret.secretName);
      }
    }
  });

  it("registers Argo CD's client only where Argo CD runs, under the configured id", () => {
    expect(clientsReconciledBy("oauth-clients", { argocd: false }).map((c) => c.id)).not.toContain("argocd");
    const withArgo = clientsReconciledBy("oauth-clients", { argocd: true, argocdClientId: "argo-faf" });
    expect(withArgo.map((c) => c.id)).toContain("argo-faf");
    expect(
      clientsReconciledBy("faf-website", { argocd: true })
        .map((c) => c.id)
        .sort(),
    ).toEqual(["b9f62a18-faae-43cc-a9b7-e15613e00273", "c5613672-0ee5-4956-8b03-c7951ef25640"]);
  });
});

/** A stand-in for Hydra's admin API: clients by id, and every request it saw. */
function fakeHydra() {
  const clients = new Map<string, Record<string, unknown>>();
  const requests: string[] = [];
  let failGets = false;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      requests.push(`${String(req.method)} ${String(req.url)}`);
      const id = /^\/admin\/clients\/(.+)$/.exec(req.url ?? "")?.[1];
      const send = (code: number, value?: unknown) => {
        res.writeHead(code, { "Content-Type": "application/json" });
        res.end(value === undefined ? "" : JSON.stringify(value));
      };
      if (req.method === "GET" && id) {
        if (failGets) return send(500, { error: "db down" });
        return clients.has(id) ? send(200, clients.get(id)) : send(404, { error: "not found" });
      }
      if (req.method === "POST" && req.url === "/admin/clients") {
        const client = JSON.parse(body) as Record<string, unknown>;
        if (clients.has(String(client.client_id))) return send(409, { error: "exists" });
        clients.set(String(client.client_id), client);
        return send(201, client);
      }
      if (req.method === "PUT" && id) {
        if (!clients.has(id)) return send(404, { error: "not found" });
        clients.set(id, JSON.parse(body) as Record<string, unknown>);
        return send(200, clients.get(id));
      }
      return send(405, { error: "unexpected" });
    });
  });
  return { server, clients, requests, failOnGet: (on: boolean) => (failGets = on) };
}

describe("the reconcile script against a stand-in Hydra admin API", () => {
  const hydra = fakeHydra();
  let url = "";
  const confidential = byId("c5613672-0ee5-4956-8b03-c7951ef25640");
  const publicClient = byId("kubernetes");
  const tricky = "p\"a\\ss$word`x'";

  const run = (clients: OAuthClient[], secret: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env = { PATH: process.env.PATH ?? "", HYDRA_ADMIN_URL: url, [secretVariable(confidential)]: secret };
      execFile("sh", ["-c", reconcileScript(clients, prod)], { env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    await new Promise<void>((resolve) => hydra.server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${String((hydra.server.address() as AddressInfo).port)}`;
  });
  afterAll(() => new Promise<void>((resolve) => hydra.server.close(() => resolve())));

  it("creates missing clients, with the secret JSON-escaped whatever it contains", async () => {
    const result = await run([confidential, publicClient], tricky);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(hydra.clients.get(confidential.id)).toEqual({ ...clientBody(confidential, prod), client_secret: tricky });
    expect(hydra.clients.get("kubernetes")).toEqual(clientBody(publicClient, prod));
    expect(result.stdout).toContain(`client ${confidential.id}: created`);
  });

  it("updates existing clients to the declared ones on a re-run and never deletes one", async () => {
    hydra.clients.set("kubernetes", { client_id: "kubernetes", scope: "changed by hand" });
    hydra.clients.set("someone-elses", { client_id: "someone-elses" });
    hydra.requests.length = 0;
    const result = await run([confidential, publicClient], "rotated");
    expect(result.code).toBe(0);
    expect(hydra.clients.get("kubernetes")).toEqual(clientBody(publicClient, prod));
    expect(hydra.clients.get(confidential.id)?.client_secret).toBe("rotated");
    expect(hydra.clients.has("someone-elses")).toBe(true);
    expect(hydra.requests.filter((r) => !r.startsWith("GET") && !r.startsWith("PUT"))).toEqual([]);
  });

  it("fails with Hydra's answer when it cannot tell whether a client exists", async () => {
    hydra.failOnGet(true);
    const result = await run([publicClient], "x");
    hydra.failOnGet(false);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("client kubernetes: Hydra answered 500");
  });
});

describe("prod render: clients exist after Hydra's migration and before the workloads that log in through them", () => {
  const dir = () => join(inject("renderDir"), "prod");
  const resources = () => readResources(dir());
  const deps = (name: string) => resources().find((r) => r.name === name)!.dependsOn;

  it("declares all 16 clients across the reconcile Jobs, each once", () => {
    const jobs = readManifests(dir()).filter(
      (m) => m.object.kind === "Job" && m.object.metadata.name.includes("-oauth-clients-"),
    );
    const script = jobs.map((j) => (j.object as any).spec.template.spec.containers[0].command[2] as string).join("\n");
    const ids = [...script.matchAll(/^reconcile '([^']+)'/gm)].map((m) => m[1]);
    expect(ids.sort()).toEqual([...FAF_CLIENT_IDS, "argocd", "kubernetes"].sort());
  });

  it("runs each reconcile Job after Hydra's migration and Deployment, and before its workload's pods", () => {
    for (const reconciler of ["oauth-clients", "faf-website", "faf-voting", "nodebb", "wikijs"]) {
      const job = deps(`${reconciler}-job-oauth-clients`);
      expect(job, reconciler).toContain("ory-hydra-job-migrate");
      expect(job, reconciler).toContain("ory-hydra-deployment");
    }
    for (const workload of ["faf-website", "faf-voting", "nodebb", "wikijs"]) {
      expect(deps(`${workload}-deployment`), workload).toContain(`${workload}-job-oauth-clients`);
    }
    expect(deps("oauth-clients-job-oauth-clients")).toContain("argocd-oidc-sync-apps");
  });
});
