// Bundles the CLI after tsc: dist/cli/main.js (the `cadagent` bin) and the preview's render
// thread become esbuild bundles of the sources, split at every dynamic import() so each command
// still loads only its own code. Node then reads a few chunks instead of each of cadagent's own
// modules, and commander as ESM instead of through the CommonJS loader: FreeCAD is spawned ~15 ms
// sooner and a build got 30–45 ms faster (A/B runs of 10 alternated builds of the 50-step plate,
// 2026-12-03).
//
// The npm packages other than commander stay external, so they load as installed and zod has
// one instance shared with the MCP SDK. The rest of tsc's dist/ stays: tests import it, and it
// carries the type declarations. Chunks sit beside main.js: packageRoot (src/util/package-root.ts)
// is two folders up from every module, and off-thread.ts finds ./render-thread.js beside itself.
//
// Usage: node scripts/bundle-cli.mjs [dist folder]   (default: this repository's dist/)
import { readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.resolve(process.argv[2] ?? path.join(root, "dist"));
const outdir = path.join(dist, "cli");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const BUNDLED = new Set(["commander"]);

// Chunks of an earlier bundle would otherwise pile up (their names carry a content hash).
for (const f of readdirSync(outdir)) if (/^chunk-[A-Z0-9]+\.js(\.map)?$/.test(f)) rmSync(path.join(outdir, f));

await build({
  absWorkingDir: root,
  entryPoints: { main: "src/cli/main.ts", "render-thread": "src/cad/render/render-thread.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d)),
  chunkNames: "chunk-[hash]",
  sourcemap: "linked",
  // commander is CommonJS and require()s Node's built-ins, which an ESM bundle can only do through
  // a real require.
  banner: {
    js: "import { createRequire as __cadagentRequire } from 'node:module'; const require = __cadagentRequire(import.meta.url);",
  },
  allowOverwrite: true,
  logLevel: "warning",
});
