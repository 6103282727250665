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
