import { createHash, randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as net from "node:net";
import type { SmokeTargets } from "../../smoke/checks";
import { acceptFor, decodeFrames, encodeFrame } from "../../smoke/websocket";

/**
 * Small servers on loopback that behave like FAF's for the smoke test: the website, the API
 * (health, /me with a Hydra token), Hydra's authorization code flow with PKCE and CSRF cookie,
 * the user service's login, consent and registration forms, the lobby's WebSocket handshake, and
 * a TCP listener for the replay server. Each `Broken` flag breaks one thing the way it breaks for
 * real. Random ports; `close()` stops them all.
 */
export type Broken =
  | "website-down"
  | "api-health-down"
  | "hydra-unknown-client"
  | "wrong-password"
  | "consent-error"
  | "token-rejected-by-api"
  | "registration-no-confirmation"
  | "lobby-no-upgrade"
  | "lobby-silent"
  | "replay-closed";

export interface FakeFaf {
  targets: SmokeTargets;
  close: () => Promise<void>;
}

export const FAKE_ACCOUNT = { username: "player1", password: "player1" };
export const FAKE_CLIENT = { id: "2e8808cf-5889-469b-b2c3-01f0cc58c4af", redirect: "http://127.0.0.1" };

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

async function body(request: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function send(response: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8", ...headers });
  response.end(text);
}

function redirect(response: http.ServerResponse, location: string, headers: Record<string, string> = {}) {
  response.writeHead(302, { location, ...headers });
  response.end();
}

export async function startFakeFaf(broken: readonly Broken[] = []): Promise<FakeFaf> {
  const is = (flag: Broken) => broken.includes(flag);
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const track = <T extends net.Server>(server: T): T => {
    server.on("connection", (socket: net.Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    servers.push(server);
    return server;
  };

  // State of the OAuth flow, as Hydra and the user service keep it.
  const flows = new Map<string, { state: string; challenge: string; redirect: string; user?: string; csrf: string }>();
  const codes = new Map<string, { flow: string; user: string }>();
  const tokens = new Set<string>();
  let hydraUrl = "";
  let userUrl = "";

  const website = track(http.createServer((_req, res) => send(res, is("website-down") ? 502 : 200, "<html>FAForever</html>")));

  const api = track(
    http.createServer((req, res) => {
      if (req.url === "/actuator/health") {
        return send(res, 200, JSON.stringify({ status: is("api-health-down") ? "DOWN" : "UP" }), {
          "content-type": "application/json",
        });
      }
      if (req.url === "/me") {
        const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
        if (!tokens.has(token) || is("token-rejected-by-api")) return send(res, 401, '{"errors":[{"title":"Invalid token"}]}');
        return send(res, 200, JSON.stringify({ data: { type: "me", attributes: { userName: FAKE_ACCOUNT.username } } }));
      }
      send(res, 404, "not found");
    }),
  );

  const hydra = track(
    http.createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? "/", hydraUrl);
        if (url.pathname === "/oauth2/auth") {
          const loginVerifier = url.searchParams.get("login_verifier");
          const consentVerifier = url.searchParams.get("consent_verifier");
          if (loginVerifier) {
            const flow = flows.get(loginVerifier);
            // Hydra ties the flow to its CSRF cookie: a client that drops cookies fails here.
            if (!flow || !(req.headers.cookie ?? "").includes(`oauth2_authentication_csrf=${flow.csrf}`)) {
              return send(res, 403, "csrf");
            }
            return redirect(res, `${userUrl}oauth2/consent?consent_challenge=${loginVerifier}`);
          }
          if (consentVerifier) {
            const flow = flows.get(consentVerifier)!;
            const code = randomBytes(8).toString("hex");
            codes.set(code, { flow: consentVerifier, user: flow.user ?? "" });
            return redirect(res, `${flow.redirect}?code=${code}&scope=openid&state=${flow.state}`);
          }
          if (url.searchParams.get("client_id") !== FAKE_CLIENT.id || is("hydra-unknown-client")) {
            return redirect(
              res,
              `${url.searchParams.get("redirect_uri") ?? ""}?error=invalid_client&state=${url.searchParams.get("state") ?? ""}`,
            );
          }
          if (url.searchParams.get("code_challenge_method") !== "S256") return send(res, 400, "pkce required");
          const id = randomBytes(8).toString("hex");
          const csrf = randomBytes(8).toString("hex");
          flows.set(id, {
            state: url.searchParams.get("state") ?? "",
            challenge: url.searchParams.get("code_challenge") ?? "",
            redirect: url.searchParams.get("redirect_uri") ?? "",
            csrf,
          });
          return redirect(res, `${userUrl}oauth2/login?login_challenge=${id}`, {
            "set-cookie": `oauth2_authentication_csrf=${csrf}; Path=/; HttpOnly`,
          });
        }
        if (url.pathname === "/oauth2/token" && req.method === "POST") {
          const form = await body(req);
          const granted = codes.get(form.get("code") ?? "");
          const flow = granted && flows.get(granted.flow);
          const verifier = createHash("sha256")
            .update(form.get("code_verifier") ?? "")
            .digest("base64url");
          if (!flow || verifier !== flow.challenge || form.get("client_id") !== FAKE_CLIENT.id) {
            return send(res, 400, '{"error":"invalid_grant"}', { "content-type": "application/json" });
          }
          const token = randomBytes(16).toString("hex");
          tokens.add(token);
          return send(res, 200, JSON.stringify({ access_token: token, token_type: "bearer", expires_in: 3600 }), {
            "content-type": "application/json",
          });
        }
        send(res, 404, "not found");
      })();
    }),
  );

  const loginForm = (challenge: string, error = "") =>
    `<html><body>${error}<form method="post" action="/oauth2/login"><input type="hidden" name="challenge" value="${challenge}">` +
    '<input name="usernameOrEmail" type="text"><input name="password" type="password"><button type="submit">Log in</button></form></body></html>';
  const user = track(
    http.createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? "/", userUrl);
        if (url.pathname === "/oauth2/login" && req.method === "GET")
          return send(res, 200, loginForm(url.searchParams.get("login_challenge") ?? ""));
        if (url.pathname === "/oauth2/login" && req.method === "POST") {
          const form = await body(req);
          const challenge = form.get("challenge") ?? "";
          const ok =
            form.get("usernameOrEmail") === FAKE_ACCOUNT.username &&
            form.get("password") === FAKE_ACCOUNT.password &&
            !is("wrong-password");
          if (!ok || !flows.has(challenge)) return send(res, 200, loginForm(challenge, "<p>Invalid login</p>"));
          flows.get(challenge)!.user = FAKE_ACCOUNT.username;
          return redirect(res, `${hydraUrl}oauth2/auth?login_verifier=${challenge}`);
        }
        if (url.pathname === "/oauth2/consent" && req.method === "GET") {
          return send(
            res,
            200,
            `<form method="post" action="/oauth2/consent"><input type="hidden" name="challenge" value="${url.searchParams.get("consent_challenge") ?? ""}">` +
              '<button name="action" value="deny">Deny</button><button name="action" value="permit">Allow</button></form>',
          );
        }
        if (url.pathname === "/oauth2/consent" && req.method === "POST") {
          const form = await body(req);
          if (is("consent-error") || form.get("action") !== "permit") return send(res, 500, "consent failed");
          return redirect(res, `${hydraUrl}oauth2/auth?consent_verifier=${form.get("challenge") ?? ""}`);
        }
        if (url.pathname === "/register" && req.method === "GET") {
          return send(
            res,
            200,
            '<form method="post" action="/register"><input name="username"><input name="email" type="email">' +
              '<input type="checkbox" name="termsOfService" value="true"><button type="submit">Register</button></form>',
          );
        }
        if (url.pathname === "/register" && req.method === "POST") {
          const form = await body(req);
          if (!form.get("username") || !form.get("email")) return send(res, 400, "missing fields");
          if (is("registration-no-confirmation")) return send(res, 200, "<p>Something went wrong, try again later</p>");
          return redirect(res, "/register/sent");
        }
        if (url.pathname === "/register/sent") return send(res, 200, "<p>We sent you an activation link. Check your e-mail.</p>");
        send(res, 404, "not found");
      })();
    }),
  );

  // The lobby: a WebSocket that answers ask_session with a session, as faf-python-server does.
  const lobby = track(http.createServer((_req, res) => send(res, 404, "not found")));
  lobby.on("upgrade", (req: http.IncomingMessage, socket: net.Socket) => {
    if (is("lobby-no-upgrade")) {
      socket.end("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    const key = String(req.headers["sec-websocket-key"] ?? "");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`,
    );
    let buffer: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const { frames, rest } = decodeFrames(buffer);
      buffer = rest;
      for (const frame of frames) {
        if (frame.opcode !== 0x1 || is("lobby-silent")) continue;
        const message = JSON.parse(frame.payload.toString("utf8")) as { command?: string };
        if (message.command === "ask_session") {
          socket.write(encodeFrame(Buffer.from(JSON.stringify({ command: "session", session: 42 })), 0x1, false));
        }
      }
    });
    socket.on("error", () => socket.destroy());
  });

  const replay = track(net.createServer((socket) => socket.end()));

  const ports = await Promise.all([website, api, hydra, user, lobby, replay].map(listen));
  const at = (index: number) => `http://127.0.0.1:${ports[index] ?? 0}/`;
  hydraUrl = at(2);
  userUrl = at(3);
  if (is("replay-closed")) await new Promise<void>((resolve) => replay.close(() => resolve()));

  return {
    targets: {
      website: at(0),
      api: at(1),
      hydra: hydraUrl,
      user: userUrl,
      lobby: at(4).replace(/^http/, "ws"),
      replay: { host: "127.0.0.1", port: ports[5] ?? 0 },
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.filter((s) => s.listening).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
