import os from "node:os";

/**
 * The nice value `cadagent build` gives its own thread once its FreeCAD worker is running.
 *
 * A build's critical path is FreeCAD: the replay, the final check and the exports. Meanwhile
 * Node loads the build's modules, checks the record, starts the preview's render thread and
 * warms it up (~300 ms of CPU across its threads while the 50-step plate replays). At equal
 * priority on two cores that work kept the worker waiting for a core ~110–160 ms per build
 * (/proc schedstat); at nice 10 the wait fell to ~35 ms and the whole build got 85–130 ms
 * faster (4 A/B runs of 8 alternated builds each, 2026-12-03). nice 19 measured the same as
 * 10; nice 5 gained about half.
 *
 * This is the opposite of a batch, whose Node thread keeps every job's provider stream moving
 * and so runs its workers at nice 10 instead (batch.ts).
 */
export const BUILD_NICENESS = 10;

/**
 * Lower the calling thread's priority to `niceness`, never raise it (a build started under
 * `nice -n 15` stays at 15; root could raise it, and must not). On Linux this is the calling
 * thread's priority alone; threads and processes it starts afterwards inherit it, those started
 * before keep theirs. So it runs once the worker is spawned, which keeps nice 0. Returns whether
 * the priority changed; a platform or policy that refuses it leaves the default.
 */
export function yieldToFreecad(niceness: number = BUILD_NICENESS): boolean {
  try {
    if (os.getPriority() >= niceness) return false;
    os.setPriority(niceness);
    return true;
  } catch {
    return false;
  }
}
