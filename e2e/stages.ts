import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";

import { plural } from "./stand-in-charts";

/**
 * The custom resources the program waits on (`pulumi.com/waitFor`), and the condition each
 * wait reads. No operator runs on the throwaway cluster; a kwok stage sets the condition
 * instead, so the waits themselves are exercised.
 */
export const AWAITED_CUSTOM_RESOURCES: {
  apiVersion: string;
  kind: string;
  condition: string;
  /** Status fields the CRD requires besides the conditions (the API server refuses a status without them). */
  status?: Record<string, string>;
}[] = [
  { apiVersion: "k8s.mariadb.com/v1alpha1", kind: "MariaDB", condition: "Ready" },
  { apiVersion: "k8s.mariadb.com/v1alpha1", kind: "Database", condition: "Ready" },
  { apiVersion: "k8s.mariadb.com/v1alpha1", kind: "User", condition: "Ready" },
  { apiVersion: "k8s.mariadb.com/v1alpha1", kind: "Grant", condition: "Ready" },
  { apiVersion: "rabbitmq.com/v1beta1", kind: "RabbitmqCluster", condition: "AllReplicasReady" },
  { apiVersion: "rabbitmq.com/v1beta1", kind: "Vhost", condition: "Ready" },
  // The topology operator reports the user it made; the CRD requires status.username.
  { apiVersion: "rabbitmq.com/v1beta1", kind: "User", condition: "Ready", status: { username: "{{ .metadata.name }}" } },
  { apiVersion: "rabbitmq.com/v1beta1", kind: "Permission", condition: "Ready" },
  { apiVersion: "rabbitmq.com/v1beta1", kind: "Exchange", condition: "Ready" },
];

/** A kwok Stage that sets `condition` True on every `kind` that does not have it yet. */
export function conditionStage(
  apiVersion: string,
  kind: string,
  condition: string,
  status: Record<string, string> = {},
): Record<string, unknown> {
  return {
    apiVersion: "kwok.x-k8s.io/v1alpha1",
    kind: "Stage",
    metadata: {
      name: `faf-e2e-${apiVersion.split("/")[0]!.replace(/\./g, "-")}-${kind.toLowerCase()}-${condition.toLowerCase()}`,
    },
    spec: {
      resourceRef: { apiGroup: apiVersion, kind },
      selector: {
        matchExpressions: [
          { key: ".metadata.deletionTimestamp", operator: "DoesNotExist" },
          {
            key: `.status.conditions.[] | select( .type == "${condition}" ) | .status`,
            operator: "NotIn",
            values: ["True"],
          },
        ],
      },
      next: {
        statusTemplate: [
          "conditions:",
          `- type: ${condition}`,
          '  status: "True"',
          "  reason: KwokStage",
          "  message: set by the e2e harness's kwok stage",
          "  lastTransitionTime: {{ Now | Quote }}",
          ...Object.entries(status).map(([field, value]) => `${field}: ${value}`),
        ].join("\n"),
      },
    },
  };
}

/** One API group's stage files, with the resources (plural and apiVersion, index by index) they name. */
export interface CustomResourceStages {
  group: string;
  plurals: string[];
  apiVersions: string[];
  files: string[];
}

/** Writes one stage file per awaited kind into `dir`, grouped by API group with the CRD plurals they need. */
export function writeCustomResourceStages(dir: string): CustomResourceStages[] {
  fs.mkdirSync(dir, { recursive: true });
  const groups = new Map<string, CustomResourceStages>();
  for (const { apiVersion, kind, condition, status } of AWAITED_CUSTOM_RESOURCES) {
    const stage = conditionStage(apiVersion, kind, condition, status);
    const file = path.join(dir, `${(stage.metadata as { name: string }).name}.yaml`);
    fs.writeFileSync(file, stringify(stage));
    const group = apiVersion.split("/")[0]!;
    const entry = groups.get(group) ?? { group, plurals: [], apiVersions: [], files: [] };
    entry.plurals.push(plural(kind));
    entry.apiVersions.push(apiVersion);
    entry.files.push(file);
    groups.set(group, entry);
  }
  return [...groups.values()];
}
