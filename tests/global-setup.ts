import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { compileCli } from "./helpers/compile-cli.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The CLI compiled once for this test run (`dist/cli/main.js` in a private folder). */
    cliMain: string;
  }
}

/** Compile the CLI once per run; every CLI harness runs this build. */
export default function setup(project: TestProject): () => void {
  const { tmp, main } = compileCli("cadagent-test-cli-");
  project.provide("cliMain", main);
  return () => rmSync(tmp, { recursive: true, force: true });
}
