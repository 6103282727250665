import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runSmoke, type CheckResult, type SmokeOptions } from "../../smoke/checks";
import { parseSmokeArgs, targetsFor } from "../../smoke/cli";
import { ROOT, TSX } from "../support/cli";
import { FAKE_ACCOUNT, FAKE_CLIENT, startFakeFaf, type Broken, type FakeFaf } from "./fake-faf";

const options = (timeoutMs = 5000): SmokeOptions => ({
  timeoutMs,
  username: FAKE_ACCOUNT.username,
  password: FAKE_ACCOUNT.password,
  clientId: FAKE_CLIENT.id,
  redirectUri: FAKE_CLIENT.redirect,
  apiHealthPath: "/actuator/health",
});

let fake: FakeFaf | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const failures = (results: CheckResult[]) => results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.failure?.step ?? ""}`);

describe("npm run smoke against fake FAF servers", () => {
  it("passes every check: website, API health, OAuth login through Hydra with a token the API accepts, registration, lobby, replay", async () => {
    fake = await startFakeFaf();
    const results = await runSmoke(fake.targets, options());
    expect(failures(results)).toEqual([]);
    expect(results.map((r) => r.name)).toEqual(["website", "api-health", "oauth-login", "registration", "lobby", "replay"]);
    const oauth = results.find((r) => r.name === "oauth-login")!;
    expect(oauth.tried.some((t) => t.startsWith("POST") && t.includes("/oauth2/login"))).toBe(true);
    expect(oauth.tried.some((t) => t.includes("/oauth2/consent"))).toBe(true);
    expect(oauth.tried.at(-1)).toBe("player1 logged in; the API accepted the token");
  });

  const variants: [Broken, string, string, RegExp][] = [
    ["website-down", "website", "answer", /answered 502/],
    ["api-health-down", "api-health", "health", /status "DOWN"/],
    ["hydra-unknown-client", "oauth-login", "authorize", /Hydra refused: invalid_client/],
    ["wrong-password", "oauth-login", "login", /player1 was not accepted/],
    ["consent-error", "oauth-login", "consent", /answered 500/],
    ["token-rejected-by-api", "oauth-login", "api accepts token", /answered 401/],
    ["registration-no-confirmation", "registration", "confirmation", /activation e-mail/],
    ["lobby-no-upgrade", "lobby", "handshake", /answered the upgrade with "HTTP\/1.1 404 Not Found"/],
    ["lobby-silent", "lobby", "handshake", /no answer within 1500 ms after the handshake message/],
    ["replay-closed", "replay", "connect", /cannot connect: connect ECONNREFUSED/],
  ];
  for (const [broken, check, step, reason] of variants) {
    it(`fails only ${check}, at step "${step}", when ${broken}`, async () => {
      fake = await startFakeFaf([broken]);
      const results = await runSmoke(fake.targets, options(1500));
      expect(failures(results)).toEqual([`${check}: ${step}`]);
      const failed = results.find((r) => !r.ok)!;
      expect(failed.failure?.reason).toMatch(reason);
      expect(failed.tried.length).toBeGreaterThan(0);
      expect(failed.ms).toBeLessThan(5000);
    });
  }

  it("gives up on a server that accepts and never answers, within the timeout, naming the step", async () => {
    fake = await startFakeFaf();
    const net = await import("node:net");
    const held = new Set<import("node:net").Socket>();
    const silent = net.createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
    try {
      const port = (silent.address() as { port: number }).port;
      const results = await runSmoke({ ...fake.targets, api: `http://127.0.0.1:${port}/` }, options(800));
      const health = results.find((r) => r.name === "api-health")!;
      expect(health.failure).toEqual({ step: "health", reason: "no answer in time" });
      expect(health.ms).toBeLessThan(3000);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, [join(ROOT, "smoke", "cli.ts"), ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the smoke command", () => {
  const urls = (f: FakeFaf) =>
    [
      ["website", f.targets.website],
      ["api", f.targets.api],
      ["hydra", f.targets.hydra],
      ["user", f.targets.user],
      ["lobby", f.targets.lobby],
      ["replay", `tcp://${f.targets.replay.host}:${f.targets.replay.port}`],
    ].flatMap(([name, url]) => ["--url", `${name ?? ""}=${url ?? ""}`]);

  it("exits 0 and lists every check against a healthy stack", async () => {
    fake = await startFakeFaf();
    const result = await runCli(["local", ...urls(fake), "--timeout", "5"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ok {4}oauth-login/m);
    expect(result.stdout).toContain("6 checks passed");
  });

  it("exits 1 naming the failed check, its step and what it tried", async () => {
    fake = await startFakeFaf(["lobby-no-upgrade"]);
    const result = await runCli(["local", ...urls(fake), "--timeout", "3"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^FAIL {2}lobby {9}step "handshake": the server answered the upgrade with "HTTP\/1.1 404 Not Found"/m,
    );
    expect(result.stdout).toMatch(/^ {8}tried: WebSocket ws:\/\/127\.0\.0\.1:\d+\/, send ask_session$/m);
    expect(result.stdout).toContain("1 of 6 checks failed");
  });

  it("exits 2 for an unknown stack or option, without a stack trace", async () => {
    const unknown = await runCli(["nosuch"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown stack "nosuch"/);
    expect(() => parseSmokeArgs(["local", "--url", "lobbby=ws://x"])).toThrow(
      /--url: expected <name>=<url> with name one of website/,
    );
    expect(() => parseSmokeArgs(["local", "--user", "a"])).toThrow(/--user and --password go together/);
  });

  it("goes to the stack's public hosts: plain HTTP and ws on a laptop, HTTPS and wss with a certificate, replay on 15000", () => {
    expect(targetsFor("faforever.localhost", true)).toEqual({
      website: "http://www.faforever.localhost/",
      api: "http://api.faforever.localhost/",
      hydra: "http://hydra.faforever.localhost/",
      user: "http://user.faforever.localhost/",
      lobby: "ws://ws.faforever.localhost/",
      replay: { host: "faforever.localhost", port: 15000 },
    });
    expect(targetsFor("faforever.com", false).lobby).toBe("wss://ws.faforever.com/");
  });
});
