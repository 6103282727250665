import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";

/**
 * The upstream CRD schemas beside the clone (`../shared/schemas/crds`, or `$FAF_SCHEMAS_DIR`).
 * A contributor's clone has no `../shared`: then `available` is false and these checks skip.
 */
export const UPSTREAM_CRDS_DIR = resolve(
  process.env.FAF_SCHEMAS_DIR ?? join(__dirname, "..", "..", "..", "shared", "schemas", "crds"),
);
export const upstreamCrdsAvailable = existsSync(join(UPSTREAM_CRDS_DIR, "index.json"));

/**
 * Structural schemas allow unknown fields unless told otherwise; the API server prunes them
 * silently. Closing every object that lists its properties (and does not preserve unknown
 * fields) turns a misspelt field into a failure.
 */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== "object") return schema;
  const node = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === "enum" ? v : closeObjects(v)])) as Record<
    string,
    unknown
  >;
  if (node.properties && node["x-kubernetes-preserve-unknown-fields"] !== true && node.additionalProperties === undefined) {
    node.additionalProperties = false;
  }
  return node;
}

const validators = new Map<string, ValidateFunction | null>();
// Formats such as int64 are Kubernetes annotations of types, not checks ajv knows.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

/** Errors against the upstream schema, or undefined when there is no schema for the kind. */
export function validateUpstream(object: Record<string, unknown>): string[] | undefined {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  if (!validators.has(key)) {
    const index = JSON.parse(readFileSync(join(UPSTREAM_CRDS_DIR, "index.json"), "utf8")) as Record<string, { file: string }>;
    const entry = index[key];
    const schema = entry
      ? (JSON.parse(readFileSync(join(UPSTREAM_CRDS_DIR, entry.file), "utf8")) as Record<string, unknown>)
      : null;
    if (schema) {
      // metadata is an opaque object in CRD schemas; the API server validates it separately.
      const closed = closeObjects(schema) as { properties: Record<string, unknown> };
      closed.properties.metadata = { type: "object" };
      validators.set(key, ajv.compile(closed));
    } else {
      validators.set(key, null);
    }
  }
  const validate = validators.get(key);
  if (!validate) return undefined;
  return validate(object)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}
