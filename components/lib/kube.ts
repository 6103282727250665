/** A Kubernetes object as the renderers produce it: plain data, no Outputs. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** A rendered object and the role that names its Pulumi resource (`${component}-${role}`). */
export interface Rendered {
  role: string;
  object: KubeObject;
}

/** The API group of an apiVersion: `""` for the core group (`v1`). */
export function apiGroup(apiVersion: string): string {
  return apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
}

/** Whether an apiVersion belongs to Kubernetes itself (`v1`, `apps/v1`, `*.k8s.io`) rather than a CRD. */
export function isCoreApiVersion(apiVersion: string): boolean {
  const group = apiGroup(apiVersion);
  return !group.includes(".") || group.endsWith(".k8s.io");
}

/**
 * The securityContext of a one-shot job container under the restricted Pod Security level:
 * no privilege, no capabilities, a read-only root filesystem. A fresh object per container.
 */
export function restrictedJobContainerSecurity() {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  };
}
