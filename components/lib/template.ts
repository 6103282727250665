/**
 * The values a workload's data file may refer to in its strings, written `{{baseDomain}}` or
 * `{{environment}}` (FAF's Helm charts use the same names, so config can be compared side by
 * side), and `{{mariadb}}`, `{{postgres}}`, `{{mongodb}}`, `{{rabbitmq}}` for the in-cluster
 * host of each data service.
 */
export interface TemplateContext {
  baseDomain: string;
  environment: string;
  mariadb: string;
  postgres: string;
  mongodb: string;
  rabbitmq: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/**
 * Replaces every `{{name}}` in `text`; an unknown name is an error, never silently left in,
 * unless it is one of `keep` (placeholders the service itself fills).
 */
export function fillTemplate(text: string, context: TemplateContext, where: string, keep: readonly string[] = []): string {
  return text.replace(PLACEHOLDER, (match, key: string) => {
    if (keep.includes(key)) return match;
    if (!Object.prototype.hasOwnProperty.call(context, key)) {
      throw new Error(`${where}: unknown placeholder {{${key}}}; known: ${Object.keys(context).join(", ")}`);
    }
    return context[key as keyof TemplateContext];
  });
}

/** Applies {@link fillTemplate} to every string inside a JSON-like value. */
export function fillTemplates<T>(value: T, context: TemplateContext, where: string): T {
  if (typeof value === "string") return fillTemplate(value, context, where) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => fillTemplates(v, context, where)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplates(v, context, `${where}.${k}`)])) as T;
  }
  return value;
}

/** A host relative to the base domain: `"@"` is the apex, anything else a subdomain. */
export function fqdn(host: string, baseDomain: string): string {
  return host === "@" ? baseDomain : `${host}.${baseDomain}`;
}
