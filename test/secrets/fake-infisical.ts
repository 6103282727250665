import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small fake of the two Infisical HTTP endpoints `secrets:check` uses, on loopback: universal
 * auth login and listing a folder's secrets. Test scaffolding; it records every request.
 */
export interface FakeInfisical {
  url: string;
  requests: { method: string; path: string; query: Record<string, string>; authorization?: string }[];
  close(): Promise<void>;
}

export async function startFakeInfisical(options: {
  clientId: string;
  clientSecret: string;
  projectId: string;
  environment: string;
  folders: Record<string, string[]>;
}): Promise<FakeInfisical> {
  const token = "fake-access-token";
  const requests: FakeInfisical["requests"] = [];
  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = "";
      req.on("data", (chunk: Buffer) => (text += chunk.toString()));
      req.on("end", () => resolve(text));
    });
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization,
      });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (req.method === "POST" && url.pathname === "/api/v1/auth/universal-auth/login") {
        const credentials = JSON.parse((await body(req)) || "{}") as { clientId?: string; clientSecret?: string };
        if (credentials.clientId !== options.clientId || credentials.clientSecret !== options.clientSecret) {
          return reply(401, { statusCode: 401, message: "Invalid credentials" });
        }
        return reply(200, { accessToken: token, expiresIn: 7200, accessTokenMaxTTL: 7200, tokenType: "Bearer" });
      }
      if (req.method === "GET" && url.pathname === "/api/v3/secrets/raw") {
        if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { statusCode: 401, message: "Unauthorized" });
        const q = url.searchParams;
        if (q.get("workspaceId") !== options.projectId || q.get("environment") !== options.environment) {
          return reply(404, { statusCode: 404, message: "Project or environment not found" });
        }
        const keys = options.folders[q.get("secretPath") ?? "/"] ?? [];
        return reply(200, {
          secrets: keys.map((secretKey) => ({
            secretKey,
            secretValue: "<hidden>",
            type: "shared",
            environment: options.environment,
          })),
          imports: [],
        });
      }
      reply(404, { statusCode: 404, message: `no fake for ${String(req.method)} ${url.pathname}` });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
