import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { KubeObject } from "./kube";

/**
 * Creates the Pulumi resource for a rendered object, with the typed class for core kinds
 * (the provider's await logic knows them: Deployments until rolled out, Jobs until complete)
 * and `CustomResource` for CRD kinds.
 */
export function createObject(name: string, object: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  // The renderers produce exactly the fields of these kinds; the casts only drop the Output wrappers.
  const args = object as never;
  switch (`${object.apiVersion}/${object.kind}`) {
    case "v1/Namespace":
      return new k8s.core.v1.Namespace(name, args, opts);
    case "v1/ConfigMap":
      return new k8s.core.v1.ConfigMap(name, args, opts);
    case "v1/Secret":
      return new k8s.core.v1.Secret(name, args, opts);
    case "v1/Service":
      return new k8s.core.v1.Service(name, args, opts);
    case "v1/ServiceAccount":
      return new k8s.core.v1.ServiceAccount(name, args, opts);
    case "apps/v1/Deployment":
      return new k8s.apps.v1.Deployment(name, args, opts);
    case "apps/v1/StatefulSet":
      return new k8s.apps.v1.StatefulSet(name, args, opts);
    case "batch/v1/Job":
      return new k8s.batch.v1.Job(name, args, opts);
    case "policy/v1/PodDisruptionBudget":
      return new k8s.policy.v1.PodDisruptionBudget(name, args, opts);
    case "networking.k8s.io/v1/NetworkPolicy":
      return new k8s.networking.v1.NetworkPolicy(name, args, opts);
    default:
      if (!object.apiVersion.includes(".")) {
        throw new Error(`${name}: no typed class registered for core kind ${object.apiVersion}/${object.kind}`);
      }
      return new k8s.apiextensions.CustomResource(name, args, opts);
  }
}
