import { stringify } from "yaml";

/** A Kubernetes object as YAML, the way the render writes manifests (no line folding, no anchors). */
export function dumpYaml(object: unknown): string {
  return stringify(object, { lineWidth: 0, aliasDuplicateObjects: false });
}
