/**
 * FAF's policy pack: `pulumi preview|up --policy-pack policy` (the workflows run it through
 * .github/scripts/pulumi-run.sh). Each check of the reliability checklist is a pure function in
 * ./checks (docs/decisions/019); ./pack hands them the stack's resources.
 */
import { PolicyPack } from "@pulumi/policy";
import { packPolicies } from "./pack";

new PolicyPack("faf-reliability", { policies: packPolicies() });
