// npm runs `prepare` after `npm install` / `npm ci` in the repository, before `npm pack`, and when
// cadagent is installed from a git URL: each needs dist/, so build it here. An install without
// dev dependencies has no TypeScript to build with: skip quietly (the published tarball ships
// dist/ already, and npm never runs `prepare` for it).
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));
let tsc;
try {
  tsc = require.resolve("typescript/bin/tsc");
} catch {
  process.exit(0);
}
if (!existsSync(path.join(root, "tsconfig.json")) || !existsSync(path.join(root, "src"))) process.exit(0);

const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" }).status ?? 1;
const rc = run([tsc, "-p", "tsconfig.json"]) || run([path.join(root, "scripts", "post-build.mjs")]);
// scripts/setup rebuilds when a source is newer than this stamp: right after npm ci it need not.
if (rc === 0) writeFileSync(path.join(root, "dist", ".build-stamp"), "");
process.exit(rc);
