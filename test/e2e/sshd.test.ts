import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Processes } from "../../e2e/processes";
import { SSHD, sshRun, sshdConfig, startSshd } from "../../e2e/sshd";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "faf-sshd-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the prod-like stack's SSH server", () => {
  it("listens on loopback only, on its own port, with its own keys and no PAM", () => {
    const config = sshdConfig("/tmp/x", 40022, ["/opt/fakes"]);
    expect(config).toContain("Port 40022\nListenAddress 127.0.0.1\nHostKey /tmp/x/host_ed25519");
    expect(config).toContain("PasswordAuthentication no");
    expect(config).toContain("UsePAM no");
    expect(config).toMatch(/^SetEnv PATH=\/opt\/fakes:\/usr\/local\/sbin:/m);
  });

  // Debian's openssh-server; .ci/run installs it (no service starts: the image's policy-rc.d).
  const present = fs.existsSync(SSHD);
  it.skipIf(!present && !process.env.FAF_REQUIRE_TOOLS)(
    "runs commands over real SSH with the simulated host's tools first on PATH, and leaves nothing behind",
    async () => {
      const fakes = path.join(tmp, "fakes");
      fs.mkdirSync(fakes);
      fs.writeFileSync(path.join(fakes, "zfs"), '#!/bin/sh\necho simulated zfs "$@"\n', { mode: 0o755 });
      const processes = new Processes(tmp);
      try {
        const server = await startSshd(path.join(tmp, "sshd"), processes, [fakes]);
        expect(sshRun(server, path.join(tmp, "sshd"), "zfs list -H")).toBe("simulated zfs list -H\n");
        // The login shell's own rc files may prepend more; the fakes still come before the system's tools.
        const sessionPath = sshRun(server, path.join(tmp, "sshd"), "echo $PATH").trim().split(":");
        expect(sessionPath).toContain(fakes);
        expect(sessionPath.indexOf(fakes)).toBeLessThan(sessionPath.indexOf("/usr/bin"));
      } finally {
        await processes.stopAll(3_000);
      }
      expect(await processes.leftovers()).toEqual([]);
    },
    60_000,
  );
});
