import { parse } from "yaml";

/**
 * GitHub's guidance for workflows that pull requests trigger, as checks on a workflow file:
 * code from a fork must run without secrets and with a read-only token, and the privileged
 * `workflow_run` side must never run that code.
 */

type Permissions = string | Record<string, string> | undefined;

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

interface Job {
  if?: string;
  permissions?: Permissions;
  steps?: Step[];
  environment?: unknown;
}

export interface Workflow {
  name?: string;
  on: string | string[] | Record<string, unknown>;
  permissions?: Permissions;
  jobs: Record<string, Job>;
}

export function parseWorkflow(text: string): Workflow {
  return parse(text) as Workflow;
}

export function triggers(workflow: Workflow): string[] {
  const on = workflow.on;
  return typeof on === "string" ? [on] : Array.isArray(on) ? on : Object.keys(on);
}

/** A job condition that admits only pull requests from branches of this repository. */
const SAME_REPO = /github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository/;

function writes(permissions: Permissions): string[] {
  if (permissions === undefined) return ["(default token permissions, which may be write)"];
  if (typeof permissions === "string") return permissions === "read-all" || permissions === "{}" ? [] : [permissions];
  return Object.entries(permissions)
    .filter(([, level]) => level === "write")
    .map(([scope]) => `${scope}: write`);
}

/** Every way the workflow lets a fork's code reach secrets or a write token (empty: none). */
export function forkSafetyProblems(workflow: Workflow): string[] {
  const on = triggers(workflow);
  const problems: string[] = [];
  if (on.includes("pull_request_target"))
    problems.push("pull_request_target runs with secrets and a write token: use pull_request + workflow_run");
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const text = JSON.stringify(job);
    if (on.includes("pull_request") || on.includes("pull_request_target")) {
      if (job.if !== undefined && SAME_REPO.test(job.if)) continue;
      if (/secrets\./.test(text)) problems.push(`job ${id} runs a fork's code and reads secrets`);
      const granted = writes(job.permissions ?? workflow.permissions);
      if (granted.length > 0) problems.push(`job ${id} runs a fork's code with write permission (${granted.join(", ")})`);
      for (const step of job.steps ?? []) {
        if (step.uses?.startsWith("actions/checkout@") && step.with?.["persist-credentials"] !== false) {
          problems.push(`job ${id} keeps the checkout's token in .git/config (persist-credentials: false)`);
        }
      }
    }
    if (on.includes("workflow_run")) {
      for (const step of job.steps ?? []) {
        if (step.uses?.startsWith("actions/checkout@")) problems.push(`job ${id} (workflow_run, privileged) checks out code`);
        if (step.run !== undefined) problems.push(`job ${id} (workflow_run, privileged) runs a shell step`);
      }
    }
  }
  return problems;
}

/** `uses:` references not pinned to a full commit SHA with a version comment. */
export function unpinnedActions(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => /^\s*(-\s+)?uses:/.test(line))
    .filter((line) => !/uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d+(\.\d+)*\s*$/.test(line) && !/uses:\s+\.\//.test(line))
    .map((line) => line.trim());
}
