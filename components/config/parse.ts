import { CATALOGUE, catalogueFor, resolveServices } from "../apps/catalogue";
import type { WorkloadSpec } from "../apps/spec";
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
  /** The workloads `services` and `replicas` name. @default the catalogue */
  catalogue?: readonly WorkloadSpec[];
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
  problems.push(...ignoredSettings(values, context.stack));
  const result = settingsSchema(context.serviceNames).safeParse(values, { reportInput: true });
  if (result.success) problems.push(...replicaProblems(result.data, context));
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

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Settings that are valid but would have no effect in this stack's mode: refused, so that an
 * admin never believes something is set that the program ignores.
 */
function ignoredSettings(values: Readonly<Record<string, unknown>>, stack: string): string[] {
  const problems: string[] = [];
  const ignored = (key: string, why: string) =>
    problems.push(
      `${key}: has no effect ${why}. Fix: remove it (pulumi config rm ${key.includes(".") ? "--path " : ""}${key} --stack ${stack}).`,
    );
  const hosted = values.host !== undefined;
  if (hosted && values.storage !== undefined) {
    ignored("faf:storage", "with faf:host: volumes live in the host's datasets under faf:host.dataPath");
  }
  if (!hosted) {
    if (values.sshPrivateKey !== undefined) ignored("faf:sshPrivateKey", "without faf:host: no machine is reached over SSH");
    const backups = isMapping(values.backups) ? values.backups : {};
    for (const key of ["zfsSnapshots", "snapshotRetentionDays"]) {
      if (backups[key] !== undefined)
        ignored(`faf:backups.${key}`, "without faf:host: ZFS snapshots are taken on a provisioned host only");
    }
  }
  const secrets = isMapping(values.secrets) ? values.secrets : {};
  if (secrets.source === "generated") {
    for (const key of ["infisicalClientId", "infisicalClientSecret"]) {
      if (values[key] !== undefined) ignored(`faf:${key}`, "with faf:secrets.source generated: nothing is read from Infisical");
    }
  }
  const argocd = isMapping(values.argocd) ? values.argocd : {};
  if (argocd.enabled === false) {
    for (const key of Object.keys(argocd)
      .filter((k) => k !== "enabled")
      .sort()) {
      ignored(`faf:argocd.${key}`, "while faf:argocd.enabled is false");
    }
  }
  return problems;
}

/**
 * A service asked for where it does not run, a replica count for a service that does not run
 * here, or that has no count to set.
 */
function replicaProblems(settings: Settings, context: ParseContext): string[] {
  const catalogue = context.catalogue ?? CATALOGUE;
  const problems: string[] = [];
  for (const name of settings.services === "all" ? [] : settings.services) {
    const environments = catalogue.find((s) => s.name === name)?.environments;
    if (environments && !environments.includes(settings.environment)) {
      problems.push(
        `faf:services: ${name} runs only in ${environments.join(", ")}, not in ${settings.environment}. Fix: remove it from faf:services.`,
      );
    }
  }
  if (problems.length > 0) return problems;
  const here = catalogueFor(settings.environment, catalogue);
  const selected = new Set(resolveServices(settings.services, here).workloads.map((spec) => spec.name));
  for (const name of Object.keys(settings.replicas ?? {}).sort()) {
    const key = `faf:replicas.${name}`;
    const spec = catalogue.find((s) => s.name === name);
    if (spec?.controller === "None") {
      problems.push(
        `${key}: ${name} has no pods to count (it runs only jobs or tasks). Fix: remove it (pulumi config rm --path ${key} --stack ${context.stack}).`,
      );
    } else if (spec?.controller === "DaemonSet") {
      problems.push(
        `${key}: ${name} runs one pod on the node that holds the data, not a count. Fix: remove it (pulumi config rm --path ${key} --stack ${context.stack}).`,
      );
    } else if (!selected.has(name)) {
      problems.push(
        `${key}: ${name} is not among the services this stack runs (faf:services: ${[...selected].sort().join(", ")}). Fix: add ${name} to faf:services, or remove the override (pulumi config rm --path ${key} --stack ${context.stack}).`,
      );
    }
  }
  return problems;
}
