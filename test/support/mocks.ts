import { settle, startCapture, type CapturedResource } from "../../render/engine";

/**
 * Runs `build` under Pulumi's mock engine (the same capture the render uses) and returns every
 * registration with its parent, explicit dependencies and options. One call per test file:
 * the mock engine is process-wide.
 */
export async function captureResources(build: () => void): Promise<CapturedResource[]> {
  const capture = await startCapture("faf", "test");
  build();
  await settle();
  return capture.resources;
}

export function byName(resources: readonly CapturedResource[], name: string): CapturedResource {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; have ${resources.map((r) => r.name).join(", ")}`);
  return found;
}
