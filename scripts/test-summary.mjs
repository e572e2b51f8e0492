// Prints vitest's totals as one plain closing line ("tests: N passed, N failed, N skipped"),
// the form CI reads for any runner.
import { readFileSync } from "node:fs";

try {
  const r = JSON.parse(readFileSync(new URL("../.vitest-report.json", import.meta.url), "utf8"));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
} catch (e) {
  console.log(`tests: no report (${e instanceof Error ? e.message : e})`);
}
