import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every level, so that equal values always give equal text
 * whatever order their keys were written in.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

/** The value with object keys sorted at every level and undefined entries dropped (arrays keep their order). */
export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortDeep(v)]));
  }
  return value;
}

/** A short content hash (hex) of any JSON-able value; used as a name suffix that rolls pods. */
export function contentHash(value: unknown, length = 10): string {
  return createHash("sha256").update(stableStringify(value)).digest("hex").slice(0, length);
}
