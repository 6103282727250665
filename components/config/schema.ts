import { z } from "zod";

/**
 * Every stack setting, as written under `config:` in `Pulumi.<stack>.yaml` with the `faf:`
 * prefix removed. Strict at every level: an unknown key is an error, not ignored.
 * Pure: no Pulumi import, so tests parse stack files directly.
 */

const hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
  message: "expected a lower-case DNS name",
});

export const ENVIRONMENTS = ["prod", "test", "local"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Builds the schema; `serviceNames` are the catalogue's names, so a typo in `services` is caught here. */
export function settingsSchema(serviceNames: readonly string[]) {
  const serviceName = z.string().refine((name) => serviceNames.includes(name), {
    message: `unknown service; known: ${serviceNames.join(", ")}`,
  });
  return z
    .strictObject({
      /** FAF's name for the environment: picks replicas, image tags, TLS and the secret source. */
      environment: z.enum(ENVIRONMENTS),
      /** The domain every public host hangs off (`api.<baseDomain>`, ...). */
      baseDomain: hostname,
      /** The machine's host name (`fafprod3`); required where FAF's data lives on a real host. */
      hostName: hostname.optional(),
      /** How to reach the cluster. */
      kubernetes: z.strictObject({
        /** The kube context to deploy to (`kubectl config get-contexts`). */
        context: z.string().min(1),
        /** A kubeconfig file; the default is `$KUBECONFIG` or `~/.kube/config`. */
        kubeconfig: z.string().min(1).optional(),
      }),
      /** Which FAF services to run: `all`, or names; each one's dependencies are added. */
      services: z.union([z.literal("all"), z.array(serviceName).min(1)]).default("all"),
      /** Per-service replica counts that override the workload's own (for example 0 to park one). */
      replicas: z.record(serviceName, z.number().int().min(0).max(10)).optional(),
    })
    .superRefine((settings, ctx) => {
      if (settings.environment !== "local" && settings.hostName === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["hostName"],
          message: `required when environment is ${settings.environment}`,
          params: { missing: true },
        });
      }
    });
}

export type Settings = z.output<ReturnType<typeof settingsSchema>>;

/** What a good value looks like, per setting path; shown in the fix. */
export const SETTING_HINTS: Record<string, string> = {
  environment: `one of ${ENVIRONMENTS.join(", ")}`,
  baseDomain: "a domain such as faforever.com",
  hostName: "the machine's host name, such as fafprod3",
  kubernetes: "a mapping with a context, such as {context: my-context}",
  "kubernetes.context": "a kube context name from `kubectl config get-contexts`",
  "kubernetes.kubeconfig": "the path of a kubeconfig file",
  services: 'all, or a list of service names such as ["faf-api"]',
  replicas: "a map of service name to replica count, such as {faf-api: 1}",
};
