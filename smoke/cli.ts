/**
 * npm run smoke -- <stack> [--stack-dir <dir>] [--timeout <seconds>] [--user <name> --password <pw>] [--url <name>=<url>]...
 * Checks FAF's real flows from outside the cluster against a deployed stack: the website, the
 * API's health, an OAuth login through Hydra whose token the API accepts, a registration up to
 * its e-mail confirmation, the lobby's WebSocket handshake, the replay server's TCP port.
 * Exit codes: 0 every check passed; 1 a check failed; 2 bad settings or usage.
 */
import { resolve } from "node:path";
import { SERVICE_NAMES } from "../components/apps/catalogue";
import { parseSettings } from "../components/config/parse";
import { buildProfile } from "../components/config/profile";
import { SEED_ACCOUNTS } from "../components/laptop/seed";
import { SMOKE_CLIENT_ID } from "../components/laptop/seed-oauth";
import { TCP_ENTRY_POINTS } from "../components/platform/traefik";
import { runCli } from "../render/run-cli";
import { readStackConfig, UsageError } from "../render/stack-file";
import { formatResults, runSmoke, type SmokeOptions, type SmokeTargets } from "./checks";

const USAGE =
  "usage: npm run smoke -- <stack> [--stack-dir <dir>] [--timeout <seconds>] [--user <name> --password <password>] " +
  "[--url website|api|hydra|user|lobby|replay=<url>]...";

export interface SmokeArgs {
  stack: string;
  stackDir: string | undefined;
  timeoutSeconds: number;
  user: string | undefined;
  password: string | undefined;
  urls: Partial<Record<keyof SmokeTargets, string>>;
}

const TARGET_NAMES = ["website", "api", "hydra", "user", "lobby", "replay"] as const;

export function parseSmokeArgs(argv: readonly string[]): SmokeArgs {
  const args: SmokeArgs = { stack: "", stackDir: undefined, timeoutSeconds: 15, user: undefined, password: undefined, urls: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const value = () =>
      argv[++i] ??
      (() => {
        throw new UsageError(`${arg} needs a value. ${USAGE}`);
      })();
    switch (arg) {
      case "--stack-dir":
        args.stackDir = value();
        break;
      case "--timeout": {
        const seconds = Number(value());
        if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout: expected seconds such as 15. ${USAGE}`);
        args.timeoutSeconds = seconds;
        break;
      }
      case "--user":
        args.user = value();
        break;
      case "--password":
        args.password = value();
        break;
      case "--url": {
        const [name, url] = value().split(/=(.*)/s);
        if (!TARGET_NAMES.includes(name as (typeof TARGET_NAMES)[number]) || !url) {
          throw new UsageError(`--url: expected <name>=<url> with name one of ${TARGET_NAMES.join(", ")}. ${USAGE}`);
        }
        args.urls[name as keyof SmokeTargets] = url;
        break;
      }
      default:
        if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}. ${USAGE}`);
        if (args.stack) throw new UsageError(`one stack at a time (got ${args.stack} and ${arg}). ${USAGE}`);
        args.stack = arg;
    }
  }
  if (!args.stack) throw new UsageError(USAGE);
  if ((args.user === undefined) !== (args.password === undefined))
    throw new UsageError(`--user and --password go together. ${USAGE}`);
  return args;
}

/** Where each check goes for a stack: its public hosts, plain HTTP where it has no certificate (a laptop). */
export function targetsFor(
  baseDomain: string,
  plain: boolean,
  urls: Partial<Record<keyof SmokeTargets, string>> = {},
): SmokeTargets {
  const http = plain ? "http" : "https";
  const ws = plain ? "ws" : "wss";
  const replayUrl = urls.replay ? new URL(urls.replay) : undefined;
  return {
    website: urls.website ?? `${http}://www.${baseDomain}/`,
    api: urls.api ?? `${http}://api.${baseDomain}/`,
    hydra: urls.hydra ?? `${http}://hydra.${baseDomain}/`,
    user: urls.user ?? `${http}://user.${baseDomain}/`,
    lobby: urls.lobby ?? `${ws}://ws.${baseDomain}/`,
    replay: replayUrl
      ? { host: replayUrl.hostname, port: Number(replayUrl.port) }
      : { host: baseDomain, port: TCP_ENTRY_POINTS["replay-stream"] ?? 15000 },
  };
}

async function main(): Promise<number> {
  const root = resolve(__dirname, "..");
  const args = parseSmokeArgs(process.argv.slice(2));
  const config = readStackConfig(root, args.stack, args.stackDir ? resolve(args.stackDir) : root);
  const parsed = parseSettings(config.config, { ...config, serviceNames: SERVICE_NAMES });
  if (!parsed.ok) throw new UsageError(parsed.message);
  const profile = buildProfile(parsed.settings);
  const targets = targetsFor(profile.baseDomain, profile.ingress.tls === undefined, args.urls);
  const account = SEED_ACCOUNTS.find((a) => a.login === "player1")!;
  const options: SmokeOptions = {
    timeoutMs: args.timeoutSeconds * 1000,
    username: args.user ?? account.login,
    password: args.password ?? account.password,
    clientId: SMOKE_CLIENT_ID,
    redirectUri: "http://127.0.0.1",
    apiHealthPath: "/actuator/health",
  };
  process.stdout.write(`Smoke test of stack ${args.stack} (${profile.baseDomain}) as ${options.username}\n`);
  const results = await runSmoke(targets, options);
  process.stdout.write(`${formatResults(results)}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}

if (require.main === module) runCli("smoke", main, { stack: true });
