import { spawnSync } from "node:child_process";

/**
 * Whether an external tool the suite uses (shellcheck, nix-instantiate) is installed. A
 * contributor's machine may lack them: those checks then skip. CI sets FAF_REQUIRE_TOOLS=1, so
 * a missing tool fails there instead of skipping silently.
 */
export function toolAvailable(command: string, versionFlag = "--version"): boolean {
  const available = spawnSync(command, [versionFlag]).status === 0;
  if (!available && process.env.FAF_REQUIRE_TOOLS === "1") {
    throw new Error(`${command} is required (FAF_REQUIRE_TOOLS=1) but not installed: apt-get install -y shellcheck nix-bin`);
  }
  return available;
}
