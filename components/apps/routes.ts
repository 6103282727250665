import { fqdn, type TemplateContext, fillTemplates } from "../lib/template";
import type { KubeObject } from "../lib/kube";
import { portNamed } from "./pod";
import type { PortSpec, RouteSpec, WorkloadSpec } from "./spec";

export const TRAEFIK_API = "traefik.io/v1alpha1";

export interface IngressSettings {
  entryPoints: string[];
  /** The route's TLS block; undefined: none (the entry point decides). */
  tls: { certResolver?: string } | undefined;
}

/** The Service port a route sends to: the port's service port. */
function servicePort(ports: readonly PortSpec[], name: string, where: string): number {
  const port = portNamed(ports, name, where);
  if (port.exposed === false) throw new Error(`${where}: port "${name}" is routed but not exposed on the Service`);
  return port.servicePort ?? port.port;
}

export function middlewareName(workload: string, short: string): string {
  return `${workload}-${short}`;
}

/** The middlewares a route applies in an environment: its own, then the environment's. */
export function routeMiddlewares(route: RouteSpec, environment: string): string[] {
  const extra = route.middlewaresFor?.[environment as keyof NonNullable<RouteSpec["middlewaresFor"]>] ?? [];
  return [...(route.middlewares ?? []), ...extra];
}

/** One IngressRoute holding every HTTP route of the workload. */
export function ingressRoute(
  spec: WorkloadSpec,
  namespace: string,
  labels: Record<string, string>,
  ingress: IngressSettings,
  context: TemplateContext,
): KubeObject | undefined {
  if (!spec.routes?.length) return undefined;
  const ports = spec.ports ?? [];
  const routes = spec.routes.map((route, index) => {
    const where = `${spec.name}.routes[${index}]`;
    const hosts = route.hosts.map((host) => `Host(\`${fqdn(host, context.baseDomain)}\`)`);
    if (hosts.length === 0) throw new Error(`${where}: a route needs at least one host`);
    const hostRule = hosts.length > 1 ? `(${hosts.join(" || ")})` : hosts.join("");
    const match = route.pathPrefix ? `${hostRule} && PathPrefix(\`${route.pathPrefix}\`)` : hostRule;
    const applied = routeMiddlewares(route, context.environment);
    for (const mw of applied) {
      if (!spec.middlewares?.[mw]) throw new Error(`${where}: middleware "${mw}" is not declared in middlewares`);
    }
    return {
      kind: "Rule",
      match,
      ...(route.priority !== undefined ? { priority: route.priority } : {}),
      ...(applied.length ? { middlewares: applied.map((mw) => ({ name: middlewareName(spec.name, mw) })) } : {}),
      services: [{ name: spec.name, port: servicePort(ports, route.port, where) }],
    };
  });
  return {
    apiVersion: TRAEFIK_API,
    kind: "IngressRoute",
    metadata: { name: spec.name, namespace, labels },
    spec: { entryPoints: ingress.entryPoints, routes, ...(ingress.tls ? { tls: ingress.tls } : {}) },
  };
}

/** One IngressRouteTCP per TCP entry point (a route matches every client: `HostSNI(*)`). */
export function tcpRoutes(spec: WorkloadSpec, namespace: string, labels: Record<string, string>): KubeObject[] {
  const ports = spec.ports ?? [];
  return (spec.tcpRoutes ?? []).map((route, index) => ({
    apiVersion: TRAEFIK_API,
    kind: "IngressRouteTCP",
    metadata: { name: `${spec.name}-${route.entryPoint}`, namespace, labels },
    spec: {
      entryPoints: [route.entryPoint],
      routes: [
        {
          match: "HostSNI(`*`)",
          services: [{ name: spec.name, port: servicePort(ports, route.port, `${spec.name}.tcpRoutes[${index}]`) }],
        },
      ],
    },
  }));
}

export function middlewares(
  spec: WorkloadSpec,
  namespace: string,
  labels: Record<string, string>,
  context: TemplateContext,
): KubeObject[] {
  // Only what a route of this environment applies: test's CORS middlewares are not on prod.
  const used = new Set((spec.routes ?? []).flatMap((route) => routeMiddlewares(route, context.environment)));
  return Object.entries(spec.middlewares ?? {})
    .filter(([short]) => used.has(short))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([short, body]) => ({
      apiVersion: TRAEFIK_API,
      kind: "Middleware",
      metadata: { name: middlewareName(spec.name, short), namespace, labels },
      spec: fillTemplates(body, context, `${spec.name}.middlewares.${short}`),
    }));
}
