import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import ts from "typescript";

/**
 * Validation of core Kubernetes objects with the `kubernetes-models` package:
 * - its generated validators check required fields, types and formats;
 * - those validators accept unknown fields, so the object is also walked against the package's
 *   TypeScript interfaces (the same OpenAPI definitions), and any field that the interface
 *   does not declare is an error, at any depth. A typo such as `readinessprobe` fails here.
 */

const requireFromHere = createRequire(__filename);
const packageDir = dirname(requireFromHere.resolve("kubernetes-models/package.json"));

/** `apps/v1` -> `apps/v1`, `v1` -> `v1`: the package's folder layout is the apiVersion. */
function modulePath(apiVersion: string, kind: string): string {
  return join(packageDir, apiVersion, kind);
}

export { isCoreApiVersion } from "../../components/lib/kube";

interface ModelClass {
  new (data: unknown): { validate(): void };
}

let checker: ts.TypeChecker | undefined;
let program: ts.Program | undefined;
const typeCache = new Map<string, ts.Type>();

function interfaceType(apiVersion: string, kind: string): ts.Type {
  const key = `${apiVersion}/${kind}`;
  const cached = typeCache.get(key);
  if (cached) return cached;
  const file = `${modulePath(apiVersion, kind)}.d.ts`;
  if (!program || !program.getSourceFile(file)) {
    const roots = [...(program?.getRootFileNames() ?? []), file];
    program = ts.createProgram(roots, { strict: true, noEmit: true, skipLibCheck: true, types: [] }, undefined, program);
    checker = program.getTypeChecker();
  }
  const source = program.getSourceFile(file);
  const declaration = source?.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === `I${kind}`,
  );
  if (!declaration || !checker) throw new Error(`kubernetes-models has no interface I${kind} for ${key}`);
  const type = checker.getTypeAtLocation(declaration);
  typeCache.set(key, type);
  return type;
}

/** Errors for fields the type does not declare, with their paths. */
function unknownFields(value: unknown, type: ts.Type, path: string, errors: string[]): void {
  if (!checker || value === null || typeof value !== "object") return;
  const members = (type.isUnion() ? type.types : [type]).filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
  if (members.some((t) => t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return;
  if (Array.isArray(value)) {
    const arrayType = members.find((t) => checker!.isArrayType(t));
    if (!arrayType) return; // a type error, which the generated validator reports
    const element = checker.getTypeArguments(arrayType as ts.TypeReference)[0];
    if (element) value.forEach((item, i) => unknownFields(item, element, `${path}[${i}]`, errors));
    return;
  }
  const objectTypes = members.filter((t) => t.flags & ts.TypeFlags.Object && !checker!.isArrayType(t));
  if (objectTypes.length === 0) return;
  // Try each object member of a union; the first that accepts every field wins.
  let best: string[] | undefined;
  for (const candidate of objectTypes) {
    const found: string[] = [];
    const index = checker.getIndexInfoOfType(candidate, ts.IndexKind.String);
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const property = candidate.getProperty(key);
      const childPath = path ? `${path}.${key}` : key;
      if (property) {
        unknownFields(child, checker.getTypeOfSymbol(property), childPath, found);
      } else if (index) {
        unknownFields(child, index.type, childPath, found);
      } else {
        found.push(`unknown field "${childPath}"`);
      }
    }
    if (found.length === 0) return;
    if (!best || found.length < best.length) best = found;
  }
  errors.push(...(best ?? []));
}

/** Every problem with a core object (empty when it is valid). */
export function validateCoreObject(object: Record<string, unknown>): string[] {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  let Model: ModelClass;
  try {
    Model = (requireFromHere(modulePath(apiVersion, kind)) as Record<string, ModelClass>)[kind]!;
  } catch {
    return [`no kubernetes-models schema for ${apiVersion}/${kind}`];
  }
  const errors: string[] = [];
  try {
    new Model(object).validate();
  } catch (error) {
    errors.push(String((error as Error).message));
  }
  unknownFields(object, interfaceType(apiVersion, kind), "", errors);
  return errors;
}
