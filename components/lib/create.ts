import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { isCoreApiVersion, type KubeObject } from "./kube";

type ObjectClass = new (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The typed class per core kind: the provider's await logic knows these (a Deployment is done
 * when rolled out, a Job when complete). Every other kind with a dotted group is a CRD.
 */
const CORE_CLASSES: Record<string, ObjectClass> = {
  "v1/Namespace": k8s.core.v1.Namespace,
  "v1/ConfigMap": k8s.core.v1.ConfigMap,
  "v1/Secret": k8s.core.v1.Secret,
  "v1/Service": k8s.core.v1.Service,
  "v1/PersistentVolume": k8s.core.v1.PersistentVolume,
  "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
  "storage.k8s.io/v1/StorageClass": k8s.storage.v1.StorageClass,
  "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
  "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
  "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
  "apps/v1/Deployment": k8s.apps.v1.Deployment,
  "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
  "apps/v1/DaemonSet": k8s.apps.v1.DaemonSet,
  "batch/v1/Job": k8s.batch.v1.Job,
  "batch/v1/CronJob": k8s.batch.v1.CronJob,
  "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
  "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
  "discovery.k8s.io/v1/EndpointSlice": k8s.discovery.v1.EndpointSlice,
};

/** Creates the Pulumi resource for a rendered object. */
export function createObject(name: string, object: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  // The renderers produce exactly the fields of these kinds; the cast only drops the Output wrappers.
  const args = object as never;
  const Class = CORE_CLASSES[`${object.apiVersion}/${object.kind}`];
  if (Class) return new Class(name, args, opts);
  if (isCoreApiVersion(object.apiVersion)) {
    throw new Error(`${name}: no typed class registered for core kind ${object.apiVersion}/${object.kind}`);
  }
  return new k8s.apiextensions.CustomResource(name, args, opts);
}
