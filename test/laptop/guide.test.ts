import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { CATALOGUE, SERVICE_NAMES } from "../../components/apps/catalogue";
import { parseSettings } from "../../components/config/parse";
import { DEVELOP_DIR, developFiles, portForwards } from "../../components/laptop/develop";
import { parseSmokeArgs } from "../../smoke/cli";
import { ROOT } from "../support/cli";
import { renderStackText } from "../support/laptop";

/**
 * docs/laptop.md, exercised: every command of its `sh` blocks is recognised here and checked
 * against the program (rendered, parsed, or compared with what the program produces); the
 * `pulumi config` commands are applied in order to the guide's stack file, which must be valid
 * at each `pulumi up`. A command the test does not know fails it.
 */

const GUIDE = readFileSync(join(ROOT, "docs", "laptop.md"), "utf8");
const blocks = (lang: string) => [...GUIDE.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1] ?? "");
const commands = blocks("sh").flatMap((block) =>
  block
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#")),
);
const stackYaml = blocks("yaml")[0] ?? "";
const stack = (parse(stackYaml) as { config: Record<string, unknown> }).config;
const context = (stack["faf:kubernetes"] as { context: string }).context;
const cluster = context.replace(/^k3d-/, "");
const dataPath = (stack["faf:storage"] as { dataPath: string }).dataPath;
const api = CATALOGUE.find((s) => s.name === "faf-api")!;
/** The image the guide builds, as its `faf:images` command names it. */
const localImage = words(commands.find((c) => c.includes("faf:images.faf-api")) ?? "")[5] ?? "(none)";

/** Shell words, with single quotes honoured (enough for the guide). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

/** `faf:develop.faf-api.port` applied to the stack's config, as `pulumi config set --path` does. */
function setPath(config: Record<string, unknown>, path: string, value: unknown) {
  const [head, ...rest] = path.split(".");
  let node = config;
  const keys = [head ?? "", ...rest];
  for (const key of keys.slice(0, -1)) {
    node[key] = node[key] ?? {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys.at(-1) ?? "";
  if (value === undefined) delete node[last];
  else node[last] = value;
}

function settingsValid(config: Record<string, unknown>): string | undefined {
  const raw = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const result = parseSettings(raw, { stack: "dev", stackFile: "Pulumi.dev.yaml", serviceNames: SERVICE_NAMES, secretKeys: [] });
  return result.ok ? undefined : result.message;
}

describe("the laptop guide (docs/laptop.md)", () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => cleanups.forEach((cleanup) => cleanup()));

  it("has shell blocks that bash can parse", () => {
    for (const block of blocks("sh")) {
      const result = spawnSync("bash", ["-n"], { input: block, encoding: "utf8" });
      expect(result.status, `${block}\n${result.stderr}`).toBe(0);
    }
    expect(commands.length).toBeGreaterThan(30);
  });

  it("renders its stack file: the selection, added services, URLs and budget, with the seed", () => {
    const render = renderStackText("dev", stackYaml);
    cleanups.push(render.cleanup);
    expect(render.code, render.stderr).toBe(0);
    expect(render.stdout).toContain("Selected: faf-api, faf-user-service");
    expect(render.stdout).toMatch(/Requests: .* of 4 CPU \/ 8Gi \(faf:budget\)/);
    const outputs = JSON.parse(readFileSync(join(render.out, "outputs.json"), "utf8"));
    expect(commands).toContain("pulumi stack output laptop");
    expect(outputs.laptop).toBeDefined();
    expect(readFileSync(join(render.out, "resources.json"), "utf8")).toContain('"seed-job-seed-database"');
  });

  it("recognises every command and checks it against the program", () => {
    const config: Record<string, unknown> = structuredClone(stack);
    const unknown: string[] = [];
    const problems: string[] = [];
    let ups = 0;
    const check = (ok: boolean, line: string, why: string) => {
      if (!ok) problems.push(`${line}: ${why}`);
    };
    for (const line of commands) {
      const w = words(line.replace(/ &$/, ""));
      const [tool, sub] = w;
      if (line === "npm ci") check(existsSync(join(ROOT, "package-lock.json")), line, "no package-lock.json");
      else if (line === "cp Pulumi.local.yaml Pulumi.dev.yaml")
        check(existsSync(join(ROOT, "Pulumi.local.yaml")), line, "no local stack");
      else if (line === "npm run render -- dev") check(true, line, "rendered in its own test");
      else if (tool === "npm" && w.slice(0, 4).join(" ") === "npm run smoke --") {
        check(parseSmokeArgs(w.slice(4)).stack === "dev", line, "smoke arguments");
      } else if (tool === "k3d" && sub === "cluster") {
        check(w[3] === cluster, line, `cluster ${w[3] ?? ""} is not the context's ${cluster}`);
      } else if (tool === "k3d" && sub === "image") {
        check(w.at(-1) === cluster && w[3] === localImage, line, "image or cluster");
      } else if (tool === "kind" && sub === "create") check(w.at(-1) === cluster, line, "cluster name");
      else if (tool === "kind" && sub === "load") check(w[3] === localImage && w.at(-1) === cluster, line, "image or cluster");
      else if (tool === "minikube" && sub === "start") check(w.includes("--cpus") && w.includes("--memory"), line, "room");
      else if (tool === "minikube" && sub === "tunnel") check(true, line, "");
      else if (tool === "minikube" && sub === "image") check(w[3] === localImage, line, "image");
      else if (tool === "minikube" && sub === "ssh") check(line.includes("host.minikube.internal"), line, "host name");
      else if (tool === "docker" && sub === "build") check(w[3] === localImage, line, "tag");
      else if (tool === "docker" && sub === "network")
        check(w[2] === "inspect" && [`k3d-${cluster}`, "kind"].includes(w[3] ?? ""), line, "network");
      else if (tool === "docker" && sub === "exec") {
        check(w[2] === `k3d-${cluster}-server-0` && w.at(-1) === dataPath, line, `node or data path (${dataPath})`);
      } else if (tool === "kubectl" && sub === "config") check(w[3] === context, line, `context is ${context}`);
      else if (tool === "kubectl" && w[3] === "port-forward")
        check(portForwards(api).includes(line.replace(/ &$/, "")), line, "not a port-forward faf-api needs");
      else if (tool === "kubectl" && w[3] === "rollout")
        check(w[2] === "faf-apps" && w[5] === "deployment/faf-api", line, "faf-api's Deployment");
      else if (line === "kill %1 %2") check(commands.filter((c) => c.endsWith(" &")).length === 2, line, "two background jobs");
      else if (line === "set -a; . .faf-develop/faf-api.env; set +a") {
        const values = Object.fromEntries((api.secrets?.keys ?? []).map((key) => [key, "x"]));
        check(`${DEVELOP_DIR}/faf-api.env` in developFiles(api, "local", "faforever.localhost", values), line, "env file path");
      } else if (line === "./gradlew bootRun") check(true, line, "the service's own build");
      else if (tool === "pulumi" && sub === "login") check(w[2] === "--local", line, "a laptop keeps state locally");
      else if (tool === "pulumi" && sub === "stack" && w[2] === "init") check(w[3] === "dev", line, "stack name");
      else if (tool === "pulumi" && sub === "stack" && w[2] === "output") check(w[3] === "laptop", line, "output");
      else if (tool === "pulumi" && (sub === "up" || sub === "destroy")) {
        const invalid = settingsValid(config);
        check(invalid === undefined, line, `the settings so far are invalid: ${invalid ?? ""}`);
        if (sub === "up") ups++;
      } else if (tool === "pulumi" && sub === "config" && (w[2] === "set" || w[2] === "rm") && w[3] === "--path") {
        const key = w[4] ?? "";
        check(w.at(-1) === "dev" && w.at(-2) === "--stack", line, "--stack dev");
        const value = w[2] === "set" ? w[5] : undefined;
        setPath(config, key, value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : value);
      } else unknown.push(line);
    }
    expect(unknown).toEqual([]);
    expect(problems).toEqual([]);
    expect(ups).toBeGreaterThanOrEqual(4);
  });

  it("runs the develop step it describes: the stack with faf:develop renders the EndpointSlice and the env file", () => {
    const config: Record<string, unknown> = structuredClone(stack);
    setPath(config, "faf:develop.faf-api.host", "172.18.0.1");
    setPath(config, "faf:develop.faf-api.port", 8010);
    const render = renderStackText("devloop", stringify({ config }));
    cleanups.push(render.cleanup);
    expect(render.code, render.stderr).toBe(0);
    expect(render.stdout).toContain("faf-api runs on your machine: the cluster sends it to 172.18.0.1:8010");
    expect(existsSync(join(render.out, "manifests", "faf-apps", "EndpointSlice-faf-api-develop.yaml"))).toBe(true);
  });
});
