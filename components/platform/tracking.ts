import { apiGroup, type KubeObject } from "../lib/kube";

export const TRACKING_ANNOTATION = "argocd.argoproj.io/tracking-id";

/** The annotation value by which Argo CD counts an object as part of an application. */
export function trackingId(app: string, object: KubeObject): string {
  return `${app}:${apiGroup(object.apiVersion)}/${object.kind}:${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}

/** The same object, annotated as part of `app`. */
export function tracked(app: string, object: KubeObject): KubeObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, [TRACKING_ANNOTATION]: trackingId(app, object) },
    },
  };
}
