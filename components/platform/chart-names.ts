import { CHARTS, type ChartKey } from "./charts";

/**
 * Names of objects that upstream charts create and our code refers to, derived from the one
 * release name in `CHARTS` by each chart's own naming rule. Facts from the charts' templates:
 *
 * - Helm's `<chart>.fullname` (argo-cd `templates/_common.tpl`, traefik, cert-manager and
 *   mariadb-operator `_helpers.tpl`): `fullnameOverride` if set; else `name` is `nameOverride`
 *   or the chart's name, and the full name is the release name when it contains `name`,
 *   otherwise `<release>-<name>`; cut to 63 characters, trailing `-` trimmed.
 * - argo-cd sets `nameOverride: argocd` in its values, and names the server Service
 *   `<fullname>-<server.name>` (`server.name` defaults to `server`; `_helpers.tpl`
 *   `argo-cd.server.fullname`), HTTP port `server.service.servicePortHttp` (80).
 * - argo-cd reads the Redis password from the Secret `argocd-redis` (key `auth`) whatever the
 *   release is called (`argo-cd.redisPasswordSecretRef`): the program creates it.
 */

/** The argo-cd chart's defaults that name things (its values.yaml). */
export const ARGOCD_CHART_DEFAULTS = { nameOverride: "argocd", serverName: "server", serverHttpPort: 80 } as const;
export const ARGOCD_REDIS_SECRET = "argocd-redis";

/** The chart name as the templates see it (`.Chart.Name`): the last path segment of an OCI reference. */
export function chartName(key: ChartKey): string {
  return CHARTS[key].chart.split("/").pop() ?? CHARTS[key].chart;
}

/** Helm's common `fullname` rule (see above). Pure. */
export function helmFullname(
  chart: string,
  release: string,
  values: { nameOverride?: string; fullnameOverride?: string } = {},
): string {
  const cut = (s: string) => s.slice(0, 63).replace(/-+$/, "");
  if (values.fullnameOverride) return cut(values.fullnameOverride);
  const name = values.nameOverride || chart;
  return cut(release.includes(name) ? release : `${release}-${name}`);
}

/** The argo-cd Service that serves the UI and API, for a release and our values. Pure. */
export function argocdServerService(release: string, values: Record<string, unknown>): { name: string; port: number } {
  const v = values as {
    nameOverride?: string;
    fullnameOverride?: string;
    server?: { name?: string; service?: { servicePortHttp?: number } };
  };
  const fullname = helmFullname(chartName("argocd"), release, {
    nameOverride: v.nameOverride ?? ARGOCD_CHART_DEFAULTS.nameOverride,
    fullnameOverride: v.fullnameOverride,
  });
  const name = `${fullname}-${v.server?.name ?? ARGOCD_CHART_DEFAULTS.serverName}`.slice(0, 63).replace(/-+$/, "");
  return { name, port: v.server?.service?.servicePortHttp ?? ARGOCD_CHART_DEFAULTS.serverHttpPort };
}
