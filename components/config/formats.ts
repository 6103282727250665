import { isIP } from "node:net";
import { CronExpressionParser } from "cron-parser";

/**
 * Checks of what a setting will become (a DNS name, a Kubernetes name, a cron schedule, an
 * address, a path). Each returns undefined when the value is good, or why it is not, in words
 * that go straight into the settings error. Pure.
 */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A lower-case DNS name (RFC 1123): labels of at most 63 characters, 253 in all. */
export function dnsNameProblem(value: string): string | undefined {
  if (value.length === 0) return "is empty";
  if (value.length > 253) return `is ${value.length} characters long; a DNS name has at most 253`;
  for (const label of value.split(".")) {
    if (label.length > 63)
      return `has the label "${label.slice(0, 20)}…" of ${label.length} characters; a DNS label has at most 63`;
    if (!LABEL.test(label)) {
      return label === ""
        ? "has an empty label (two dots, or a dot at an end)"
        : `has the label "${label}", which is not lower-case letters, digits and inner hyphens`;
    }
  }
  return undefined;
}

/** A Kubernetes object name (DNS-1123 subdomain): what Secrets, ConfigMaps and most objects need. */
export function kubernetesNameProblem(value: string): string | undefined {
  if (value.length > 253) return `is ${value.length} characters long; a Kubernetes name has at most 253`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) {
    return "is not a Kubernetes name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)";
  }
  return undefined;
}

/** A host name or an IPv4/IPv6 address, as SSH and a TLS certificate take it. */
export function addressProblem(value: string): string | undefined {
  if (isIP(value) !== 0) return undefined;
  if (/^[0-9.]+$/.test(value)) return "looks like an IPv4 address but is not one (four numbers of 0-255)";
  if (value.includes("://") || value.includes("/")) return "is a URL or a path; give the host name or IP address alone";
  if (/\s/.test(value)) return "contains a space";
  if (value.includes(":")) return "is neither a host name nor an IP address (a port belongs in the port setting)";
  const problem = dnsNameProblem(value.toLowerCase());
  if (problem) return `is neither an IP address nor a host name: it ${problem}`;
  if (value !== value.toLowerCase()) return "has upper-case letters; write the host name in lower case";
  return undefined;
}

/** An absolute, normalised path that is not the root: what a directory of data can be. */
export function dataPathProblem(value: string): string | undefined {
  if (!value.startsWith("/")) return "is not an absolute path";
  if (value === "/") return "is the root directory itself";
  if (value.endsWith("/")) return "ends with a slash";
  if (value.includes("//")) return "has an empty segment (//)";
  if (value.split("/").some((segment) => segment === "." || segment === "..")) return "has a . or .. segment";
  if (!/^[A-Za-z0-9._/-]+$/.test(value)) return "has characters other than letters, digits, '.', '_', '-' and '/'";
  return undefined;
}

/** Five cron fields, each in range, as a Kubernetes CronJob takes them. */
export function cronProblem(value: string): string | undefined {
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5) return `has ${fields.length} fields; a schedule has five (minute hour day-of-month month day-of-week)`;
  try {
    CronExpressionParser.parse(value);
  } catch (error) {
    return `is not a valid schedule: ${(error as Error).message}`;
  }
  return undefined;
}

/** Whether `inner` is `outer` or lies below it, as dataset paths. */
export function datasetWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}
