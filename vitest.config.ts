import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Each FreeCAD-backed test file runs its own worker (~100 MB); forks isolate native crashes.
    pool: "forks",
    maxWorkers: 2,
    // Generous: the suite must pass on a loaded 2-core machine; speed is measured in bench/.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // The worker registers its test-only ops (sleep, crash) only under this flag.
    env: { CADAGENT_TEST_OPS: "1" },
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
  },
});
