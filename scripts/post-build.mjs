// After tsc: bundle the CLI entry and the render thread (bundle-cli.mjs), then make the entry
// executable (neither tool keeps file modes).
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { fileURLToPath } from "node:url";

execFileSync(process.execPath, [fileURLToPath(new URL("bundle-cli.mjs", import.meta.url))], { stdio: "inherit" });
chmodSync(new URL("../dist/cli/main.js", import.meta.url), 0o755);
