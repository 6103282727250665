import { CATALOGUE } from "../../components/apps/catalogue";
import { scrapeJobs, SCRAPE_METRICS } from "../../components/monitoring/targets";

/**
 * The metric names a PromQL/MetricsQL expression reads: what is left once strings, label
 * matchers, grouping clauses, ranges, functions, keywords and numbers are taken out. Enough for
 * the expressions we write (tested in rules.test.ts against known expressions).
 */
const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "inf",
  "nan",
]);

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b\d+(?:\.\d+)?(?:ms|[smhdwy])?\b/g, " ");
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const after = stripped.slice((match.index ?? 0) + name.length).trimStart();
    if (after.startsWith("(")) continue; // a function
    if (KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}

/** Every metric any scrape target of the fullest stack (all workloads, RabbitMQ, host exporters) produces. */
export const PRODUCED = new Set([
  ...SCRAPE_METRICS,
  ...scrapeJobs({ workloads: CATALOGUE, rabbitmq: true, hostMetrics: true, kubeStateMetrics: "ksm:8080" }).flatMap(
    (job) => job.produces,
  ),
]);
