import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { CHECKS, type Check, type CheckedResource } from "./checks";

/** The resources of a stack as the pure checks read them. */
export function checkedResources(args: Pick<StackValidationArgs, "resources">): CheckedResource[] {
  return args.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.props as Record<string, unknown>,
    protect: r.opts?.protect === true,
  }));
}

/** One mandatory stack policy per check: a violation blocks the preview or update. */
export function packPolicies(checks: readonly Check[] = CHECKS): StackValidationPolicy[] {
  return checks.map((check) => ({
    name: check.name,
    description: check.description,
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      for (const v of check.check(checkedResources(args))) reportViolation(v.message, v.urn);
    },
  }));
}
