import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cadagentCacheDir } from "../config/paths.js";

/**
 * Variables passed through to the FreeCAD worker. An allow-list, not a deny-list: the worker
 * runs model-chosen geometry (and, with --allow-python, model-written code), so it must never
 * see API keys or anything else from the user's environment it does not need.
 */
const PASS = [
  "PATH",
  "LANG",
  "LC_ALL",
  "LC_CTYPE",
  "TZ",
  "SYSTEMROOT",
  "WINDIR",
  "TEMP",
  "TMP",
  "LD_LIBRARY_PATH",
  "PYTHONHOME",
  // Registers the test-only ops (sleep, crash); set by the test harness (vitest.config.ts), never by cadagent.
  "CADAGENT_TEST_OPS",
];

export interface WorkerEnv {
  env: NodeJS.ProcessEnv;
  /** Temp folder used as HOME, FREECAD_USER_HOME and cwd; removed when the worker stops. */
  home: string;
}

export function workerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const home = mkdtempSync(path.join(os.tmpdir(), "cadagent-worker-"));
  const env: NodeJS.ProcessEnv = {};
  for (const k of PASS) if (source[k] !== undefined) env[k] = source[k];
  Object.assign(env, {
    HOME: home,
    FREECAD_USER_HOME: home,
    TMPDIR: home,
    CADAGENT_REPLY_FD: "3",
    // The worker's Python modules (and FreeCAD's own, where Debian ships no bytecode) compile
    // once into the user's cache instead of on every start (~60 ms of each start) and never
    // into the install folder, which may be read-only or shared.
    PYTHONPYCACHEPREFIX: path.join(cadagentCacheDir(source), "pycache"),
    PYTHONUNBUFFERED: "1",
    // glibc's malloc asks for transparent huge pages on its large chunks (glibc ≥ 2.35; older
    // ones and other libcs ignore it). OCCT allocates a lot as it works; on a small VM where a
    // first touch costs ~4 ms per MB, this halves FreeCAD's page faults and took 5–9 % off the bare
    // 50-step plate script (12.7k → 5.8k faults, 4 alternated runs each, 2026-12-02). The
    // kernel's THP "never" setting turns it into a no-op.
    GLIBC_TUNABLES: "glibc.malloc.hugetlb=1",
  });
  return { env, home };
}
