import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");

/**
 * Compile and bundle the CLI into `<tmp>/pkg/dist`, with sources, package.json, node_modules, providers,
 * prompts and examples symlinked beside it, so the build never touches the repository's dist/.
 */
export function compileCli(prefix: string): { tmp: string; main: string } {
  const tmp = mkdtempSync(path.join(os.tmpdir(), prefix));
  const root = path.join(tmp, "pkg");
  mkdirSync(root);
  for (const entry of ["package.json", "src", "node_modules", "providers", "prompts", "examples"]) {
    symlinkSync(path.join(repoRoot, entry), path.join(root, entry));
  }
  const tsc = path.join(repoRoot, "node_modules", ".bin", "tsc");
  const main = path.join(root, "dist", "cli", "main.js");
  try {
    execFileSync(tsc, ["-p", path.join(repoRoot, "tsconfig.json"), "--outDir", path.join(root, "dist")], {
      stdio: "pipe",
    });
  } catch (e) {
    // Type errors elsewhere in the tree still emit JS; only a missing entry point is fatal.
    if (!existsSync(main))
      throw new Error(`tsc failed:\n${(e as { stdout?: Buffer }).stdout?.toString() ?? ""}`, { cause: e });
  }
  // As `npm run build` does: the CLI the tests run is the bundle that ships (scripts/bundle-cli.mjs).
  execFileSync(process.execPath, [path.join(repoRoot, "scripts", "bundle-cli.mjs"), path.join(root, "dist")], {
    stdio: "pipe",
  });
  return { tmp, main };
}
