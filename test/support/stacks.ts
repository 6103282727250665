import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "./cli";

/** Every stack file in the project. */
export const STACKS: string[] = readdirSync(ROOT)
  .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .sort();

export interface RenderedObject {
  file: string;
  object: Record<string, unknown> & { kind: string; apiVersion: string; metadata: { name: string; namespace?: string } };
}

export function readManifests(dir: string): RenderedObject[] {
  const root = join(dir, "manifests");
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = join(entry.parentPath, entry.name);
      return { file: file.slice(root.length + 1), object: parse(readFileSync(file, "utf8")) as RenderedObject["object"] };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

export interface ResourceEntry {
  type: string;
  name: string;
  parent?: string;
  dependsOn: string[];
  options?: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

export function readResources(dir: string): ResourceEntry[] {
  return JSON.parse(readFileSync(join(dir, "resources.json"), "utf8")) as ResourceEntry[];
}

export { reasonedBranchImages } from "../../components/apps/catalogue";
