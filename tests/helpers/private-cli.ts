import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";

/**
 * The CLI as the test run compiled it once (tests/global-setup.ts), plus a fresh temp folder for
 * the caller's outputs. Compiling once per run, into a private folder, keeps test files from
 * racing one another's builds of dist/ and saves a compile per file.
 */

export interface PrivateCli {
  /** A fresh temp folder for this harness's outputs; the caller removes it. */
  tmp: string;
  /** The compiled `dist/cli/main.js`. */
  main: string;
}

export function compilePrivateCli(prefix: string): PrivateCli {
  return { tmp: mkdtempSync(path.join(os.tmpdir(), prefix)), main: inject("cliMain") };
}
