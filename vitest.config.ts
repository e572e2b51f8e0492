import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Each FreeCAD-backed test file runs its own worker (~100 MB); forks isolate native crashes.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    // The worker registers its test-only ops (sleep, crash) only under this flag.
    env: { CADAGENT_TEST_OPS: "1" },
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
  },
});
