import { PART_OF } from "./names";

/** The labels that select a workload's pods; never change them on a running workload (immutable selector). */
export function selectorLabels(workload: string): Record<string, string> {
  return { "app.kubernetes.io/name": workload, "app.kubernetes.io/instance": workload };
}

/** The recommended `app.kubernetes.io/*` labels for every object of a workload. */
export function workloadLabels(workload: string, component: string, version?: string): Record<string, string> {
  return {
    ...selectorLabels(workload),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
    ...(version ? { "app.kubernetes.io/version": labelValue(version) } : {}),
  };
}

/** Labels for objects that belong to no single workload (namespaces, policies). */
export function platformLabels(component: string): Record<string, string> {
  return {
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/component": component,
  };
}

/** Turns any string into a valid label value (63 chars of [A-Za-z0-9._-], alphanumeric at both ends). */
export function labelValue(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
}
