import { parse } from "yaml";

/** The top-level keys of a Pulumi stack file; Pulumi ignores any other without a word. */
export const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"] as const;

/**
 * Parses a stack file's text, naming a duplicate key (which YAML reports only by position).
 * Throws an Error whose message is meant for the admin.
 */
export function parseStackFileText(text: string, label: string): unknown {
  try {
    return parse(text, { prettyErrors: true, uniqueKeys: true }) as unknown;
  } catch (error) {
    const { code, linePos } = error as { code?: string; linePos?: [{ line: number; col: number }] };
    if (code === "DUPLICATE_KEY" && linePos) {
      const line = text.split("\n")[linePos[0].line - 1] ?? "";
      const key = line
        .trim()
        .replace(/^- /, "")
        .replace(/:(\s.*)?$/, "");
      throw new Error(
        `${label} sets "${key}" twice (the second time at line ${linePos[0].line}); YAML keeps only one of them. Fix: remove one of the two.`,
        { cause: error },
      );
    }
    const detail = ((error as Error).message.split("\n")[0] ?? "").replace(/:\s*$/, "");
    throw new Error(`${label} is not valid YAML: ${detail}. Fix: correct the file (indentation, quoting) and run again.`, {
      cause: error,
    });
  }
}

/** Top-level keys that Pulumi would ignore: a setting written outside `config:` is never set. */
export function stackFileKeyProblems(document: unknown, stackFile: string): string[] {
  if (document === null || typeof document !== "object" || Array.isArray(document)) return [];
  return Object.keys(document)
    .filter((key) => !(STACK_FILE_KEYS as readonly string[]).includes(key))
    .sort()
    .map((key) =>
      key.includes(":")
        ? `${stackFile}: "${key}" is outside "config:", so it is not set at all. Fix: indent it under config: (config:\n    ${key}: ...).`
        : `${stackFile}: unknown top-level key "${key}"; a stack file has ${STACK_FILE_KEYS.join(", ")}. Fix: remove it, or move it under config: as faf:${key}.`,
    );
}
