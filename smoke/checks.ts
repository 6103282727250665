import { createHash, randomBytes } from "node:crypto";
import * as net from "node:net";
import { wsExchange } from "./websocket";

/**
 * The smoke test of FAF's real flows, from outside the cluster: what a player and a developer do
 * first. Each check says what it tried, and on failure the step and why; each has a deadline.
 */

export interface SmokeTargets {
  /** The website (www.<domain>). */
  website: string;
  /** The API's public URL (api.<domain>). */
  api: string;
  /** Hydra's public URL (hydra.<domain>). */
  hydra: string;
  /** The user service (user.<domain>): login, consent, registration. */
  user: string;
  /** The lobby's WebSocket (ws.<domain>). */
  lobby: string;
  /** The replay server's TCP entry point. */
  replay: { host: string; port: number };
}

export interface SmokeOptions {
  /** Per check. */
  timeoutMs: number;
  /** A seeded account (faf:seed). */
  username: string;
  password: string;
  /** A public OAuth client with a loopback redirect (the FAF client, seeded). */
  clientId: string;
  redirectUri: string;
  /** The API's health path on its public route. */
  apiHealthPath: string;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was done, step by step, in order. */
  tried: string[];
  /** The step that failed and why. */
  failure?: { step: string; reason: string };
  ms: number;
}

/** A failed step: which, and why. */
class StepError extends Error {
  constructor(
    readonly step: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Runs `fn` as the step `step`: any error becomes that step's failure. */
async function step<T>(name: string, tried: string[], what: string, fn: () => Promise<T>): Promise<T> {
  tried.push(what);
  try {
    return await fn();
  } catch (error) {
    if (error instanceof StepError) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === "TimeoutError"
        ? "no answer in time"
        : `${(error as Error).message}${cause?.code ? ` (${cause.code})` : cause?.message ? ` (${cause.message})` : ""}`;
    throw new StepError(name, reason);
  }
}

function fail(step: string, reason: string): never {
  throw new StepError(step, reason);
}

async function timed(
  name: string,
  timeoutMs: number,
  body: (tried: string[], signal: AbortSignal) => Promise<string>,
): Promise<CheckResult> {
  const started = Date.now();
  const tried: string[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    tried.push(await body(tried, signal));
    return { name, ok: true, tried, ms: Date.now() - started };
  } catch (error) {
    const failure =
      error instanceof StepError
        ? { step: error.step, reason: error.message }
        : { step: "?", reason: error instanceof Error ? error.message : String(error) };
    return { name, ok: false, tried, failure, ms: Date.now() - started };
  }
}

/** Cookies by host, as a browser would keep them through the login (Hydra's CSRF cookies). */
class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();
  store(url: string, response: Response) {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const eq = pair?.indexOf("=") ?? -1;
      if (pair && eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    this.cookies.set(host, jar);
  }
  header(url: string): Record<string, string> {
    const jar = this.cookies.get(new URL(url).host);
    return jar && jar.size > 0 ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } : {};
  }
}

interface Form {
  action: string;
  method: string;
  fields: Record<string, string>;
}

/** The first form of a page with its inputs' names and values (hidden challenge and CSRF fields). */
export function parseForm(html: string, base: string): Form | undefined {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, "i").exec(tag);
  const value = (m: RegExpExecArray | null) => (m ? (m[2] ?? m[3] ?? "") : undefined);
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? "").matchAll(/<(input|button)\b([^>]*)>/gi)) {
    const tag = input[2] ?? "";
    const name = value(attr(tag, "name"));
    if (!name) continue;
    const type = (value(attr(tag, "type")) ?? "").toLowerCase();
    if (input[1]?.toLowerCase() === "button" || type === "submit") continue;
    if (type === "checkbox") fields[name] = value(attr(tag, "value")) ?? "on";
    else fields[name] = value(attr(tag, "value")) ?? "";
  }
  return {
    action: new URL(value(attr(form[1] ?? "", "action")) || base, base).toString(),
    method: (value(attr(form[1] ?? "", "method")) ?? "get").toLowerCase(),
    fields,
  };
}

async function request(
  url: string,
  init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> },
  signal: AbortSignal,
  jar?: CookieJar,
): Promise<{ response: Response; text: string }> {
  const response = await fetch(url, {
    method: init.method ?? "GET",
    redirect: "manual",
    signal,
    headers: { "user-agent": "faf-smoke", ...(jar?.header(url) ?? {}), ...init.headers },
    ...(init.body ? { body: init.body } : {}),
  });
  jar?.store(url, response);
  return { response, text: await response.text() };
}

export async function checkWebsite(targets: SmokeTargets, options: SmokeOptions): Promise<CheckResult> {
  return timed("website", options.timeoutMs, async (tried, signal) => {
    const { response } = await step("answer", tried, `GET ${targets.website}`, () => request(targets.website, {}, signal));
    if (response.status >= 400) fail("answer", `${targets.website} answered ${response.status}`);
    return `answered ${response.status}`;
  });
}

export async function checkApiHealth(targets: SmokeTargets, options: SmokeOptions): Promise<CheckResult> {
  return timed("api-health", options.timeoutMs, async (tried, signal) => {
    const url = new URL(options.apiHealthPath, targets.api).toString();
    const { response, text } = await step("health", tried, `GET ${url}`, () => request(url, {}, signal));
    if (response.status !== 200) fail("health", `${url} answered ${response.status}: ${text.slice(0, 200)}`);
    let status: unknown;
    try {
      status = (JSON.parse(text) as { status?: unknown }).status;
    } catch {
      fail("health", `${url} did not answer JSON: ${text.slice(0, 200)}`);
    }
    if (status !== "UP") fail("health", `the API reports status ${JSON.stringify(status)}, not "UP"`);
    return "status UP";
  });
}

/** The words a page says once an account is registered and waits for its e-mail confirmation. */
const CONFIRMATION = /activat|confirm|check your (e-?mail|inbox)|e-?mail (has been |was )?sent/i;

export async function checkRegistration(targets: SmokeTargets, options: SmokeOptions): Promise<CheckResult> {
  return timed("registration", options.timeoutMs, async (tried, signal) => {
    const jar = new CookieJar();
    const page = new URL("/register", targets.user).toString();
    const { response, text } = await step("register page", tried, `GET ${page}`, () => request(page, {}, signal, jar));
    if (response.status !== 200) fail("register page", `${page} answered ${response.status}`);
    const form = parseForm(text, page) ?? fail("register page", `${page} has no form`);
    const name = `smoke${randomBytes(4).toString("hex")}`;
    const fields = { ...form.fields };
    for (const key of Object.keys(fields)) {
      if (/user|name/i.test(key) && !/challenge|csrf|token/i.test(key)) fields[key] = name;
      if (/mail/i.test(key)) fields[key] = `${name}@faforever.localhost`;
    }
    const submitted = await step("submit", tried, `POST ${form.action} as ${name}`, () =>
      request(form.action, { method: "POST", body: new URLSearchParams(fields) }, signal, jar),
    );
    let { response: answer, text: body } = submitted;
    for (let hop = 0; hop < 5 && answer.status >= 300 && answer.status < 400; hop++) {
      const next = new URL(answer.headers.get("location") ?? "", form.action).toString();
      ({ response: answer, text: body } = await step("submit", tried, `GET ${next}`, () => request(next, {}, signal, jar)));
    }
    if (answer.status >= 400) fail("submit", `the registration answered ${answer.status}: ${body.slice(0, 200)}`);
    if (!CONFIRMATION.test(body)) fail("confirmation", "the answer does not say an activation e-mail was sent");
    return "registration waits for its e-mail confirmation";
  });
}

/** Whether `url` is the client's redirect (same origin and path; the query carries the answer). */
function sameEndpoint(url: string, redirectUri: string): boolean {
  const a = new URL(url);
  const b = new URL(redirectUri);
  return a.origin === b.origin && a.pathname === b.pathname;
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/**
 * The authorization code flow a FAF client goes through: Hydra sends the browser to the user
 * service's login form, the seeded account signs in, consent is given, Hydra redirects to the
 * client's loopback address with a code, the code becomes a token, and the API accepts it.
 */
export async function checkOAuthLogin(targets: SmokeTargets, options: SmokeOptions): Promise<CheckResult> {
  return timed("oauth-login", options.timeoutMs, async (tried, signal) => {
    const jar = new CookieJar();
    const { verifier, challenge } = pkce();
    const state = randomBytes(8).toString("hex");
    const authorize = new URL("/oauth2/auth", targets.hydra);
    authorize.search = new URLSearchParams({
      client_id: options.clientId,
      response_type: "code",
      scope: "openid offline public_profile",
      redirect_uri: options.redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    }).toString();

    let url = authorize.toString();
    let code: string | undefined;
    let stage = "authorize";
    let submitted = { login: false, consent: false };
    for (let hop = 0; hop < 20 && code === undefined; hop++) {
      const { response, text } = await step(stage, tried, `GET ${url}`, () => request(url, {}, signal, jar));
      if (response.status >= 300 && response.status < 400) {
        const location = new URL(response.headers.get("location") ?? fail(stage, `${url} redirected nowhere`), url).toString();
        if (sameEndpoint(location, options.redirectUri)) {
          const answer = new URL(location).searchParams;
          if (answer.get("error"))
            fail(stage, `Hydra refused: ${answer.get("error") ?? ""} ${answer.get("error_description") ?? ""}`.trim());
          if (answer.get("state") !== state) fail(stage, "the redirect's state is not the one sent");
          code = answer.get("code") ?? fail(stage, "the redirect to the client carries no code");
          break;
        }
        if (location.includes("login_challenge")) stage = "login form";
        else if (location.includes("consent_challenge")) stage = "consent";
        url = location;
        continue;
      }
      if (response.status !== 200) fail(stage, `${url} answered ${response.status}: ${text.slice(0, 200)}`);
      const form = parseForm(text, url) ?? fail(stage, `${url} shows no form and no redirect`);
      const fields = { ...form.fields };
      if (stage === "login form") {
        if (submitted.login) fail("login", `the account ${options.username} was not accepted (the login form came back)`);
        const userField = Object.keys(fields).find((k) => /user|login|email/i.test(k)) ?? "usernameOrEmail";
        const passwordField = Object.keys(fields).find((k) => /password/i.test(k)) ?? "password";
        fields[userField] = options.username;
        fields[passwordField] = options.password;
        submitted.login = true;
      } else if (stage === "consent") {
        if (submitted.consent) fail("consent", "the consent form came back after it was given");
        fields.action = "permit";
        submitted.consent = true;
      } else {
        fail(stage, `${url} shows a form before any login was asked for`);
      }
      const posted = await step(stage === "login form" ? "login" : stage, tried, `POST ${form.action}`, () =>
        request(form.action, { method: "POST", body: new URLSearchParams(fields) }, signal, jar),
      );
      const next = posted.response.headers.get("location");
      if (posted.response.status >= 400 || !next) {
        const failed = stage === "login form" ? "login" : stage;
        if (posted.response.status === 200 && stage === "login form") {
          fail("login", `the account ${options.username} was not accepted (the login form came back)`);
        }
        fail(failed, `${form.action} answered ${posted.response.status} without a redirect: ${posted.text.slice(0, 200)}`);
      }
      url = new URL(next, form.action).toString();
      stage = "authorize";
    }
    if (code === undefined) fail(stage, "Hydra never redirected to the client (too many redirects)");
    submitted = { login: false, consent: false };

    const tokenUrl = new URL("/oauth2/token", targets.hydra).toString();
    const { response: tokenResponse, text: tokenText } = await step("token", tried, `POST ${tokenUrl} (authorization_code)`, () =>
      request(
        tokenUrl,
        {
          method: "POST",
          body: new URLSearchParams({
            grant_type: "authorization_code",
            code: code,
            redirect_uri: options.redirectUri,
            client_id: options.clientId,
            code_verifier: verifier,
          }),
        },
        signal,
      ),
    );
    if (tokenResponse.status !== 200) fail("token", `${tokenUrl} answered ${tokenResponse.status}: ${tokenText.slice(0, 200)}`);
    let token: unknown;
    try {
      token = (JSON.parse(tokenText) as { access_token?: unknown }).access_token;
    } catch {
      fail("token", `${tokenUrl} did not answer JSON`);
    }
    if (typeof token !== "string" || token === "") fail("token", "the token answer has no access_token");

    const me = new URL("/me", targets.api).toString();
    const { response: meResponse, text: meText } = await step("api accepts token", tried, `GET ${me} with the token`, () =>
      request(me, { headers: { authorization: `Bearer ${token}` } }, signal),
    );
    if (meResponse.status !== 200) fail("api accepts token", `${me} answered ${meResponse.status}: ${meText.slice(0, 200)}`);
    return `${options.username} logged in; the API accepted the token`;
  });
}

export async function checkLobby(targets: SmokeTargets, options: SmokeOptions): Promise<CheckResult> {
  return timed("lobby", options.timeoutMs, async (tried) => {
    const hello = JSON.stringify({ command: "ask_session", user_agent: "faf-smoke", version: "1.0.0" });
    const isSession = (text: string) =>
      text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .some((line) => {
          try {
            return (JSON.parse(line) as { command?: unknown }).command === "session";
          } catch {
            return false;
          }
        });
    const exchange = await step("handshake", tried, `WebSocket ${targets.lobby}, send ask_session`, () =>
      wsExchange(targets.lobby, hello, (messages) => messages.some(isSession), options.timeoutMs),
    );
    return `answered the handshake (${exchange.messages.length} message(s))`;
  });
}

export async function checkReplay(targets: SmokeTargets, options: SmokeOptions): Promise<CheckResult> {
  return timed("replay", options.timeoutMs, async (tried) => {
    const { host, port } = targets.replay;
    await step("connect", tried, `TCP ${host}:${port}`, () => tcpConnect(host, port, options.timeoutMs));
    return "accepted a TCP connection";
  });
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot connect: ${error.message}`));
    });
  });
}

export const CHECKS = [checkWebsite, checkApiHealth, checkOAuthLogin, checkRegistration, checkLobby, checkReplay];

/** Every check, one after the other (they share nothing, and the output reads in order). */
export async function runSmoke(targets: SmokeTargets, options: SmokeOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of CHECKS) results.push(await check(targets, options));
  return results;
}

/** The report: one line per check, and for a failure the step, the reason and what was tried. */
export function formatResults(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    if (result.ok) {
      lines.push(`ok    ${result.name.padEnd(13)} ${result.tried.at(-1) ?? ""} (${result.ms} ms)`);
    } else {
      lines.push(
        `FAIL  ${result.name.padEnd(13)} step "${result.failure?.step ?? "?"}": ${result.failure?.reason ?? ""} (${result.ms} ms)`,
      );
      for (const attempt of result.tried) lines.push(`        tried: ${attempt}`);
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(failed === 0 ? `${results.length} checks passed` : `${failed} of ${results.length} checks failed`);
  return lines.join("\n");
}
