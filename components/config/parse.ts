import { formatSettingsIssues } from "./errors";
import { SECRET_SETTINGS, SECRET_VALUE, settingsSchema, type Settings } from "./schema";

/** The raw stack configuration as the engine hands it over: full key -> text. */
export type RawConfig = Readonly<Record<string, string>>;

export interface ParseContext {
  /** The stack name, for the fix commands (`--stack local`). */
  stack: string;
  /** The file the settings came from, named in every message. */
  stackFile: string;
  /** The catalogue's service names. */
  serviceNames: readonly string[];
  /** Full keys whose values are encrypted in the stack file. */
  secretKeys: readonly string[];
}

export type ParseResult = { ok: true; settings: Settings } | { ok: false; message: string };

/** Keys the engine itself sets; never ours to police. */
const ENGINE_NAMESPACES = ["pulumi:"];

/**
 * Parses the stack configuration into typed settings. Every problem is collected into one
 * message; nothing is half-accepted.
 */
export function parseSettings(raw: RawConfig, context: ParseContext): ParseResult {
  const foreign = Object.keys(raw)
    .filter((key) => !key.startsWith("faf:") && !ENGINE_NAMESPACES.some((ns) => key.startsWith(ns)))
    .sort();
  const problems: string[] = foreign.map(
    (key) =>
      `${key}: not a faf setting; this program configures its providers itself (faf:kubernetes for the cluster). Fix: pulumi config rm ${key} --stack ${context.stack}.`,
  );
  const values: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(raw)) {
    if (!key.startsWith("faf:")) continue;
    const name = key.slice("faf:".length);
    const encrypted = context.secretKeys.includes(key);
    if ((SECRET_SETTINGS as readonly string[]).includes(name)) {
      // A secret never enters the parsed settings: only the fact that it is set.
      values[name] = SECRET_VALUE;
      if (!encrypted) {
        problems.push(
          `${key}: stored in plaintext in ${context.stackFile}. Fix: pulumi config set --secret ${key} --stack ${context.stack} (the value is then encrypted).`,
        );
      }
    } else {
      values[name] = decodeConfigValue(text);
      if (encrypted) {
        problems.push(
          `${key}: encrypted, but it is not a secret setting and would end up in plaintext in the state. Fix: pulumi config set ${key} <value> --stack ${context.stack} (without --secret).`,
        );
      }
    }
  }
  const result = settingsSchema(context.serviceNames).safeParse(values, { reportInput: true });
  if (result.success && problems.length === 0) return { ok: true, settings: result.data };
  const issues = result.success ? [] : result.error.issues;
  const formatted = formatSettingsIssues(issues, context.stackFile, context.stack).split("\n");
  return { ok: false, message: [formatted[0], ...problems.map((p) => `  - ${p}`), ...formatted.slice(1)].join("\n") };
}

/**
 * The engine passes every value as text: structured values as JSON, scalars as written.
 * Text that is not JSON is a plain string (`faforever.com`).
 */
export function decodeConfigValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
