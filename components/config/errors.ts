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
        `${key}: expected ${noun(issue.expected)}, got ${describe(issue.input)}. Fix: set it to ${hint ?? noun(issue.expected)}.`,
      ];
    }
    case "too_small":
    case "too_big": {
      const bound = String(issue.code === "too_small" ? issue.minimum : issue.maximum);
      const words = issue.code === "too_small" ? "at least" : "at most";
      const what =
        issue.origin === "array"
          ? `${words} ${bound} entries`
          : issue.origin === "string"
            ? `${words} ${bound} characters`
            : `${words} ${bound}`;
      return [
        `${settingKey(issue.path)}: expected ${what}, got ${describe(issue.input)}. Fix: set it to ${hint ?? `a value ${words} ${bound}`}.`,
      ];
    }
    case "invalid_key": {
      // A record key (a service name in faf:replicas): the key's own issue says what is known.
      const inner = issue.issues[0]?.message ?? "not a valid key";
      return [`${settingKey(issue.path)}: ${inner}. Fix: correct the name or remove the entry.`];
    }
    case "invalid_value":
      return [
        `${settingKey(issue.path)}: expected one of ${issue.values.map(String).join(", ")}, got ${describe(issue.input)}. Fix: use one of those values.`,
      ];
    default: {
      const key = settingKey(issue.path);
      if (issue.code === "custom" && (issue.params as { missing?: boolean } | undefined)?.missing) {
        return [missing(key, `missing; ${issue.message}`)];
      }
      const hidden = issue.code === "custom" && (issue.params as { hideInput?: boolean } | undefined)?.hideInput;
      const given = issue.input === undefined || hidden ? "" : ` (got ${describe(issue.input)})`;
      return [`${key}: ${issue.message}${given}. Fix: set it to ${hint ?? "a valid value"}.`];
    }
  }
}

/** The value as the admin wrote it (JSON), shortened past 80 characters. */
function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  const text = JSON.stringify(value);
  const kind = Array.isArray(value) ? "the list " : value !== null && typeof value === "object" ? "the mapping " : "";
  return `${kind}${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

/** zod's type names in words. */
function noun(expected: string): string {
  const nouns: Record<string, string> = {
    string: "a text value",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
    array: "a list",
    object: "a mapping",
    record: "a mapping",
  };
  return nouns[expected] ?? `a value of type ${expected}`;
}
