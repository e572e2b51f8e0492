// Fills the npm cache with what `npm install -g <packed tarball>` resolves, so the packaging test
// (tests/integration/package/) can install the tarball with --offline: tests never use the network.
// `npm ci` alone is not enough: it fetches locked tarballs but not the registry metadata an
// install of a tarball resolves its dependency ranges with. Run by `scripts/setup --test`, once
// per package-lock.json; uses the network (the npm registry) like `npm ci` does.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "cadagent-pack-cache-"));
const npm = (args, cwd) => execFileSync("npm", args, { cwd, stdio: ["ignore", "ignore", "inherit"] });
try {
  // Only the manifest matters here: no build, no dist needed.
  npm(["pack", "--ignore-scripts", "--pack-destination", tmp, "--loglevel=error"], root);
  const tgz = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
  npm(
    ["install", "--global", "--prefix", path.join(tmp, "prefix"), path.join(tmp, tgz), "--prefer-offline"].concat([
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
    ]),
    tmp,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
