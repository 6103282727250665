import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Whole-stack tests spawn the render CLI; the Pulumi SDK takes a second to load.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
