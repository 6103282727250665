import type { RenderContext } from "../../components/apps/render";

/** The context a workload renders in on FAF's servers (`prod`, or `test` when asked). */
export function serverContext(environment: "prod" | "test" = "prod", extra: Partial<RenderContext> = {}): RenderContext {
  return {
    environment,
    baseDomain: environment === "prod" ? "faforever.com" : "faforever.xyz",
    ingress: { entryPoints: ["websecure"], tls: {} },
    imagePullPolicy: "IfNotPresent",
    callers: [],
    required: [],
    ...extra,
  };
}

/** The context a workload renders in on a laptop stack. */
export function laptopContext(extra: Partial<RenderContext> = {}): RenderContext {
  return {
    environment: "local",
    baseDomain: "faforever.localhost",
    ingress: { entryPoints: ["web"], tls: undefined },
    imagePullPolicy: "IfNotPresent",
    callers: [],
    required: [],
    ...extra,
  };
}
