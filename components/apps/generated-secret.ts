import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { workloadLabels } from "../lib/labels";
import { fillTemplate, type TemplateContext } from "../lib/template";
import type { WorkloadSpec } from "./spec";

/** How one secret key gets its value where no secret store is used. */
export type GeneratedKey =
  | { key: string; kind: "password" }
  | { key: string; kind: "private-key" | "public-key"; pair: string }
  | { key: string; kind: "derived"; template: string };

const SECRET_PLACEHOLDER = /\{\{secret:([A-Za-z0-9_.-]+)\}\}/g;

/** Decides, for every declared key, how it is generated. Pure; refuses references to undeclared keys. */
export function generationPlan(spec: WorkloadSpec, context: TemplateContext): GeneratedKey[] {
  const keys = spec.secrets?.keys ?? [];
  const pairs = spec.secrets?.generate?.keyPairs ?? [];
  const derived = spec.secrets?.generate?.derived ?? {};
  return keys.map((key): GeneratedKey => {
    const pair = pairs.find((p) => p.privateKey === key || p.publicKey === key);
    if (pair) return { key, kind: pair.privateKey === key ? "private-key" : "public-key", pair: pair.privateKey };
    const template = derived[key];
    if (template === undefined) return { key, kind: "password" };
    // Secret placeholders stay for later; every other placeholder is filled now.
    const filled = template
      .split(SECRET_PLACEHOLDER)
      .map((part, i) =>
        i % 2 === 0 ? fillTemplate(part, context, `${spec.name}.secrets.generate.derived.${key}`) : `{{secret:${part}}}`,
      )
      .join("");
    for (const match of filled.matchAll(SECRET_PLACEHOLDER)) {
      const ref = match[1] ?? "";
      if (!keys.includes(ref) || derived[ref] !== undefined) {
        throw new Error(`${spec.name}.secrets.generate.derived.${key}: {{secret:${ref}}} must name a declared, non-derived key`);
      }
    }
    return { key, kind: "derived", template: filled };
  });
}

function resourceName(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

/**
 * The random passwords of a stack without a secret store, one per (owner, key). The workload's
 * Secret and every copy a data service needs (a RabbitMQ or PostgreSQL user's credentials) read
 * the same value, so the app's key stays the one source of truth.
 */
export class GeneratedPasswords {
  private readonly values = new Map<string, pulumi.Output<string>>();

  constructor(private readonly parent: pulumi.Resource) {}

  password(owner: string, key: string): pulumi.Output<string> {
    const id = `${owner}/${key}`;
    let value = this.values.get(id);
    if (!value) {
      value = new random.RandomPassword(
        `${owner}-secret-${resourceName(key)}`,
        { length: 32, special: false },
        { parent: this.parent },
      ).result;
      this.values.set(id, value);
    }
    return value;
  }
}

/**
 * Creates the Secret a secret store would have synced, with every declared key generated:
 * random passwords, RSA key pairs, derived values. Values live in the (encrypted) state of a
 * laptop stack only; nothing is hard-coded.
 */
export function createGeneratedSecret(
  parent: pulumi.Resource,
  name: string,
  spec: WorkloadSpec,
  namespace: string,
  context: TemplateContext,
  dependsOn: pulumi.Resource[],
  passwords: GeneratedPasswords = new GeneratedPasswords(parent),
): k8s.core.v1.Secret & { values: pulumi.Output<Record<string, string>> } {
  const plan = generationPlan(spec, context);
  const values = new Map<string, pulumi.Output<string>>();
  const keyPairs = new Map<string, tls.PrivateKey>();
  for (const item of plan) {
    if (item.kind === "password") {
      values.set(item.key, passwords.password(spec.name, item.key));
    } else if (item.kind === "private-key" || item.kind === "public-key") {
      let pair = keyPairs.get(item.pair);
      if (!pair) {
        pair = new tls.PrivateKey(`${name}-secret-${resourceName(item.pair)}`, { algorithm: "RSA", rsaBits: 2048 }, { parent });
        keyPairs.set(item.pair, pair);
      }
      values.set(item.key, item.kind === "private-key" ? pair.privateKeyPem : pair.publicKeyPem);
    }
  }
  for (const item of plan) {
    if (item.kind !== "derived") continue;
    const parts = item.template.split(SECRET_PLACEHOLDER);
    const inputs = parts.map((part, i) => (i % 2 === 0 ? pulumi.output(part) : values.get(part)!));
    values.set(item.key, pulumi.secret(pulumi.all(inputs).apply((resolved) => resolved.join(""))));
  }
  const stringData = Object.fromEntries([...values.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  const secret = new k8s.core.v1.Secret(
    `${name}-secret`,
    { metadata: { name: spec.name, namespace, labels: workloadLabels(spec.name, "secret") }, type: "Opaque", stringData },
    { parent, dependsOn },
  );
  // The same values, for a process that runs the workload outside the cluster (faf:develop).
  return Object.assign(secret, { values: pulumi.secret(pulumi.all(stringData)) });
}
