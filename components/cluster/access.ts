import * as pulumi from "@pulumi/pulumi";
import type { Profile } from "../config/profile";
import { createObject } from "../lib/create";
import type { KubeObject } from "../lib/kube";
import { platformLabels } from "../lib/labels";
import { NAMESPACES } from "../lib/names";

const TYPE = "faf:cluster:Access";
/** The API server maps FAF login groups to `oidc:<group>` (k3s flags in the host module). */
export const OIDC_PREFIX = "oidc:";
/** Namespaces app maintainers may look into. */
export const MAINTAINED: readonly string[] = [NAMESPACES.apps, NAMESPACES.infra, NAMESPACES.ops];

const read = ["get", "list", "watch"];

/** App maintainers: read workloads, logs and events and port-forward; never Secrets. */
export function maintainerRole(): KubeObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "faf-maintainer", labels: platformLabels("access") },
    rules: [
      {
        apiGroups: [""],
        resources: [
          "pods",
          "pods/log",
          "events",
          "services",
          "endpoints",
          "configmaps",
          "persistentvolumeclaims",
          "serviceaccounts",
        ],
        verbs: read,
      },
      { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
      { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "replicasets"], verbs: read },
      { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: read },
      { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: read },
      { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: read },
      { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: read },
      { apiGroups: ["traefik.io"], resources: ["ingressroutes", "ingressroutetcps", "middlewares"], verbs: read },
    ],
  };
}

/** The role, a binding per FAF namespace for maintainers, and cluster-admin for admins. Pure. */
export function accessObjects(access: Profile["access"]): KubeObject[] {
  const labels = platformLabels("access");
  const groups = (names: readonly string[]) =>
    names.map((name) => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `${OIDC_PREFIX}${name}` }));
  const objects: KubeObject[] = [maintainerRole()];
  if (access.maintainerGroups.length > 0) {
    for (const namespace of MAINTAINED) {
      objects.push({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "faf-maintainers", namespace, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "faf-maintainer" },
        subjects: groups(access.maintainerGroups),
      });
    }
  }
  if (access.adminGroups.length > 0) {
    // The one binding to cluster-admin: FAF's infrastructure admins run the cluster (waived RBAC-02).
    objects.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "faf-admins", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: groups(access.adminGroups),
    });
  }
  return objects;
}

export class Access extends pulumi.ComponentResource {
  constructor(
    name: string,
    args: { access: Profile["access"]; after?: pulumi.Resource[] },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(TYPE, name, {}, opts);
    for (const object of accessObjects(args.access)) {
      const suffix = object.metadata.namespace ? `${object.metadata.namespace}-${object.metadata.name}` : object.metadata.name;
      createObject(`${name}-${object.kind.toLowerCase()}-${suffix}`, object, { parent: this, dependsOn: args.after ?? [] });
    }
    this.registerOutputs({});
  }
}
