import type { z } from "zod";
import { SETTING_HINTS } from "./schema";

/**
 * Turns schema issues into one message for a human: which key, in which stack file, what is
 * wrong and how to fix it. Pure, so every message is tested exactly.
 */
export function formatSettingsIssues(issues: readonly z.core.$ZodIssue[], stackFile: string, stack: string): string {
  const lines = issues.flatMap((issue) => describeIssue(issue, stackFile, stack));
  return [`Invalid settings in ${stackFile}:`, ...lines.map((line) => `  - ${line}`)].join("\n");
}

/** `faf:kubernetes.context`, `faf:services[2]` */
export function settingKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  let key = `faf:${String(head)}`;
  for (const part of rest) key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return key;
}

function describeIssue(issue: z.core.$ZodIssue, stackFile: string, stack: string): string[] {
  const hint = SETTING_HINTS[issue.path.filter((p) => typeof p === "string").join(".")];
  const path = (key: string) => (key.includes(".") || key.includes("[") ? "--path " : "");
  const setCommand = (key: string) => `pulumi config set ${path(key)}${key} <value> --stack ${stack}`;
  const missing = (key: string, why = "missing") => `${key}: ${why}. Fix: ${setCommand(key)}${hint ? ` (${hint})` : ""}.`;
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const full = settingKey([...issue.path, key]);
        return `${full}: unknown key. Fix: remove it from ${stackFile} (pulumi config rm ${path(full)}${full} --stack ${stack}) or correct its spelling.`;
      });
    case "invalid_type": {
      const key = settingKey(issue.path);
      if (issue.input === undefined) return [missing(key)];
      return [
        `${key}: expected ${issue.expected}, got ${describe(issue.input)}. Fix: set it to ${hint ?? `a ${issue.expected}`}.`,
      ];
    }
    case "invalid_key":
      // A map keyed by service name (faf:replicas, faf:develop) with a name the catalogue does not know.
      return [
        `${settingKey(issue.path)}: ${issue.issues[0]?.message ?? "not a valid key"} (got ${describe(issue.input)}). Fix: correct its spelling.`,
      ];
    case "invalid_value":
      return [
        `${settingKey(issue.path)}: expected one of ${issue.values.map(String).join(", ")}, got ${describe(issue.input)}. Fix: use one of those values.`,
      ];
    default: {
      const key = settingKey(issue.path);
      if (issue.code === "custom" && (issue.params as { missing?: boolean } | undefined)?.missing) {
        return [missing(key, `missing; ${issue.message}`)];
      }
      const given = issue.input === undefined ? "" : ` (got ${describe(issue.input)})`;
      return [`${key}: ${issue.message}${given}. Fix: set it to ${hint ?? "a valid value"}.`];
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${value}`;
  return typeof value;
}
