import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./stack-file";

// Internal SDK modules: the mock monitor hides the registration request (parent, dependencies,
// options) from `Mocks`, so the engine wraps the monitor to see what the real engine would get.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  deserializeProperties(struct: unknown, keepUnknowns?: boolean): Record<string, unknown>;
  specialSigKey: string;
  specialSecretSig: string;
};

/** What the engine would be asked to register, as the render shows it. */
export interface CapturedResource {
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  dependsOn: string[];
  /** Resources whose outputs flow into the inputs (implicit dependencies). */
  inputsFrom: string[];
  inputs: Record<string, unknown>;
  options: Record<string, unknown>;
}

export type ProgramRun = Capture;

/** Stands for every secret value in the render. */
export const SECRET = "[secret]";

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getProvider(): string;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

interface OutputsRequest {
  getUrn(): string;
  getOutputs(): unknown;
}

/** The logical name in a URN (`urn:pulumi:stack::project::type::name`). */
export function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * Replaces every value inside Pulumi's secret envelopes with {@link SECRET}. A secret object
 * keeps its keys (a reviewer sees which keys a Secret has), never its values.
 */
export function redactSecrets(value: unknown, inSecret = false): unknown {
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, inSecret));
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[rpc.specialSigKey] === rpc.specialSecretSig) return redactSecrets(record.value, true);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redactSecrets(v, inSecret)]));
  }
  return inSecret ? SECRET : value;
}

export interface Capture {
  resources: CapturedResource[];
  /** Outputs registered on the root stack resource. */
  outputs: Record<string, unknown>;
}

/**
 * Installs the SDK's mock engine and records every registration it receives, with the parent,
 * dependencies and options the real engine would be given. Used by the render and by the
 * component tests.
 */
export async function startCapture(project: string, stack: string): Promise<Capture> {
  const capture: Capture = { resources: [], outputs: {} };
  // Outputs the engine would store as secrets (additionalSecretOutputs), by type and name.
  const secretOutputs = new Map<string, string[]>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state = mockState(args.type, args.name, args.inputs as Record<string, unknown>);
        for (const key of secretOutputs.get(`${args.type}::${args.name}`) ?? []) {
          if (key in state) state[key] = pulumi.secret(state[key]);
        }
        return { id: `${args.name}-id`, state };
      },
      call: (args) => {
        throw new Error(`the render engine has no mock for the function ${args.token}`);
      },
    },
    project,
    stack,
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: unknown): void;
    registerResourceOutputs(req: OutputsRequest, cb: unknown): void;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    secretOutputs.set(`${req.getType()}::${req.getName()}`, req.getAdditionalsecretoutputsList());
    capture.resources.push(captureRequest(req));
    register(req, cb);
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    if (urnName(req.getUrn()) === `${project}-${stack}`) {
      Object.assign(capture.outputs, redactSecrets(rpc.deserializeProperties(req.getOutputs())));
    }
    registerOutputs(req, cb);
  };
  return capture;
}

/** Resolves when every registration so far has been answered. */
export async function settle(): Promise<void> {
  await pulumi.runtime.disconnect();
}

/** FAF_RENDER_SOURCE_MAPS=1: the program runs with source maps on, for TypeScript lines in a fault's trace. */
export function keepsSourceMaps(): boolean {
  return process.env.FAF_RENDER_SOURCE_MAPS === "1";
}

/**
 * Runs a Pulumi program under the SDK's mock engine, the way `pulumi up` runs it (inside the
 * root Stack resource, with the stack's configuration), and returns what it registered.
 * Nothing leaves the process: no CLI, no cluster, no network.
 */
export async function runProgram(stack: StackConfig, programPath: string): Promise<ProgramRun> {
  const capture = await startCapture(stack.project, stack.stack);
  pulumi.runtime.setAllConfig(stack.config, stack.secretKeys);
  // The SDK formats a stack trace for every promise it makes (for its leak report), and mapping
  // each frame to the TypeScript sources took a fifth of a render: off while the program runs,
  // unless FAF_RENDER_SOURCE_MAPS=1 asks for a program fault's trace in TypeScript lines (decision 030).
  const mapped = process.sourceMapsEnabled;
  if (!keepsSourceMaps()) process.setSourceMapsEnabled(false);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await pulumi.runtime.runInPulumiStack(() => Promise.resolve(require(programPath) as unknown));
    await settle();
  } finally {
    process.setSourceMapsEnabled(mapped);
  }
  return capture;
}

function captureRequest(req: RegisterRequest): CapturedResource {
  const type = req.getType();
  const name = req.getName();
  const parent = req.getParent();
  const fromInputs = new Set<string>();
  req.getPropertydependenciesMap().forEach((deps) => deps.getUrnsList().forEach((urn) => fromInputs.add(urn)));
  const timeouts = req.getCustomtimeouts();
  const options: Record<string, unknown> = {
    provider: req.getProvider() ? urnName(req.getProvider().split("::").slice(0, -1).join("::")) : undefined,
    protect: req.getProtect() || undefined,
    retainOnDelete: req.getRetainondelete() || undefined,
    // Transforms run in the engine on a component's children (a chart's objects): counted here.
    // (The SDK's generated typings lack the field the request carries.)
    transforms: (req as unknown as { getTransformsList(): unknown[] }).getTransformsList().length || undefined,
    deleteBeforeReplace: req.getDeletebeforereplace() || undefined,
    ignoreChanges: nonEmpty(req.getIgnorechangesList()),
    replaceOnChanges: nonEmpty(req.getReplaceonchangesList()),
    additionalSecretOutputs: nonEmpty(req.getAdditionalsecretoutputsList()),
    customTimeouts:
      timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())
        ? {
            create: timeouts.getCreate() || undefined,
            update: timeouts.getUpdate() || undefined,
            delete: timeouts.getDelete() || undefined,
          }
        : undefined,
  };
  return {
    type,
    name,
    custom: req.getCustom(),
    ...(parent ? { parent: urnName(parent) } : {}),
    // Explicit dependsOn: what the request depends on beyond what its inputs refer to.
    dependsOn: req
      .getDependenciesList()
      .filter((urn) => !fromInputs.has(urn))
      .map(urnName)
      .sort(),
    inputsFrom: [...fromInputs].map(urnName).sort(),
    inputs: redactSecrets(rpc.deserializeProperties(req.getObject())) as Record<string, unknown>,
    options: Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
}

function nonEmpty(list: string[]): string[] | undefined {
  return list.length > 0 ? [...list].sort() : undefined;
}

/**
 * What a resource's outputs look like after creation: its inputs, plus what providers compute.
 * Remote commands answer as a freshly provisioned k3s host would (see SIMULATED_STDOUT).
 */
function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  // Generated values: secret in the provider's schema, placeholders here.
  if (type.startsWith("random:")) return { ...inputs, result: pulumi.secret(SECRET) };
  if (type === "tls:index/privateKey:PrivateKey") {
    return { ...inputs, privateKeyPem: pulumi.secret(SECRET), publicKeyPem: `${SECRET} (public key)` };
  }
  if (type === "command:remote:Command" || type === "command:local:Command") {
    const role = Object.keys(SIMULATED_STDOUT).find((suffix) => name.endsWith(`-${suffix}`));
    return { ...inputs, stdout: role ? SIMULATED_STDOUT[role] : "", stderr: "" };
  }
  return inputs;
}

/**
 * The render's stand-in for what host steps print, by step role: a k3s-shaped kubeconfig with
 * placeholder credentials, and a fixed certificate expiry, so renders stay deterministic.
 */
export const SIMULATED_STDOUT: Record<string, string> = {
  kubeconfig: [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: default",
    "    cluster:",
    "      certificate-authority-data: UkVOREVSLVBMQUNFSE9MREVS",
    "      server: https://127.0.0.1:6443",
    "contexts:",
    "  - name: default",
    "    context: {cluster: default, user: default}",
    "current-context: default",
    "users:",
    "  - name: default",
    "    user: {client-certificate-data: UkVOREVSLVBMQUNFSE9MREVS, client-key-data: UkVOREVSLVBMQUNFSE9MREVS}",
    "",
  ].join("\n"),
  certificates: "2099-01-01T00:00:00Z\n",
};
