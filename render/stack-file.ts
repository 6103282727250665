import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseStackFileText, stackFileKeyProblems } from "../components/config/stack-file";

/** A usage or input problem: exit code 2 with this message, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface StackConfig {
  project: string;
  stack: string;
  stackFile: string;
  /** Full key -> text, as the engine would hand it to the program. */
  config: Record<string, string>;
  /** Keys whose values were `secure:` in the file (their values are placeholders). */
  secretKeys: string[];
}

/** The placeholder that stands for a secure value: never decrypted, never a real secret. */
export function secretPlaceholder(key: string): string {
  return `[secret:${key}]`;
}

export function knownStacks(dir: string): string[] {
  return readdirSync(dir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` as the Pulumi CLI would and returns the
 * configuration it would give the program, with every secure value replaced by a placeholder.
 */
export function readStackConfig(dir: string, stack: string, stackDir: string = dir): StackConfig {
  const projectFile = join(dir, "Pulumi.yaml");
  const project = readYaml(projectFile, "Pulumi.yaml") as { name?: unknown } | null;
  if (!project || typeof project.name !== "string") {
    throw new UsageError(`Pulumi.yaml: no project name. Fix: add "name: faf".`);
  }
  const stackFile = `Pulumi.${stack}.yaml`;
  const path = join(stackDir, stackFile);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !existsSync(path)) {
    throw new UsageError(
      `unknown stack "${stack}": there is no ${stackFile}. Known stacks: ${knownStacks(stackDir).join(", ") || "none"}. ` +
        `Fix: pick one of those, or copy Pulumi.local.yaml to ${stackFile}.`,
    );
  }
  const document = readYaml(path, stackFile);
  if (document === null || document === undefined) {
    return { project: project.name, stack, stackFile, config: {}, secretKeys: [] };
  }
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new UsageError(`${stackFile}: expected a mapping with a "config:" section at the top level.`);
  }
  const misplaced = stackFileKeyProblems(document, stackFile);
  if (misplaced.length > 0) throw new UsageError(misplaced.join("\n"));
  const rawConfig = (document as { config?: unknown }).config ?? {};
  if (typeof rawConfig !== "object" || rawConfig === null || Array.isArray(rawConfig)) {
    throw new UsageError(`${stackFile}: "config:" must be a mapping of keys such as faf:baseDomain to values.`);
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(rawConfig as Record<string, unknown>)) {
    // Pulumi accepts a bare key as belonging to the project.
    const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
    let secret = false;
    const replaced = replaceSecure(value, () => {
      secret = true;
      return secretPlaceholder(key);
    });
    config[key] = configText(replaced);
    if (secret) secretKeys.push(key);
  }
  return { project: project.name, stack, stackFile, config, secretKeys: secretKeys.sort() };
}

function readYaml(path: string, label: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`${label}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  try {
    return parseStackFileText(text, label);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The text the engine passes for a value: JSON for structures, the scalar as written otherwise. */
function configText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Pulumi's `{secure: <ciphertext>}` anywhere in a value, replaced by `placeholder()`. */
function replaceSecure(value: unknown, placeholder: () => string): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceSecure(item, placeholder));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0]?.[0] === "secure") return placeholder();
    return Object.fromEntries(entries.map(([k, v]) => [k, replaceSecure(v, placeholder)]));
  }
  return value;
}
