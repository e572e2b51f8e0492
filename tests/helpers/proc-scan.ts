import { readdirSync, readFileSync } from "node:fs";

/**
 * Watches every process on the machine (Linux /proc) for a secret in its argv or environment,
 * while a CLI command runs — the `ps` check: keys never go in argv, and never into the
 * environment of processes the CLI starts.
 */
export interface ProcScan {
  /** "<pid> cmdline: <argv>" or "<pid> environ" for each process found holding the secret. */
  hits: string[];
  /** argv of every process seen whose argv matched `watchFor` (proves the scan saw them). */
  seen: string[];
  /** Scans done (a scan that never ran proves nothing). */
  scans: number;
  stop(): Promise<void>;
}

export interface ProcScanOptions {
  /** Pids whose environment may hold the secret (the CLI itself when the key is given as a variable). */
  envAllowed?: () => ReadonlySet<number>;
  /** Record processes whose argv contains this (e.g. the keychain helper's marker). */
  watchFor?: string;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "latin1");
  } catch {
    return undefined; // exited meanwhile, or another user's
  }
}

/** The parent pid, from /proc/<pid>/stat (the field after the parenthesised command name). */
function parentOf(pid: string): number {
  const stat = read(`/proc/${pid}/stat`) ?? "";
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] ?? -1);
}

export function scanProcesses(secret: string, opts: ProcScanOptions = {}): ProcScan {
  const self = process.pid;
  const result: ProcScan = { hits: [], seen: [], scans: 0, stop: async () => undefined };
  let running = true;
  // Environment hits are judged at stop(): the CLI's pid may become known (onSpawn) only after
  // the first scans saw its environment.
  const envHits = new Map<number, { ppid: number; argv: string }>();
  const argvOf = new Map<number, string>();
  const loop = (async () => {
    while (running) {
      for (const p of readdirSync("/proc")) {
        if (!/^\d+$/.test(p) || Number(p) === self) continue;
        const cmdline = read(`/proc/${p}/cmdline`);
        if (cmdline === undefined) continue;
        const argv = cmdline.split("\0").join(" ");
        if (cmdline.includes(secret)) result.hits.push(`${p} cmdline: ${argv.slice(0, 200)}`);
        if (opts.watchFor && cmdline.includes(opts.watchFor) && !result.seen.includes(`${p}`)) result.seen.push(`${p}`);
        // First sight only: a zombie's cmdline reads empty.
        if (argv.trim() && !argvOf.has(Number(p))) argvOf.set(Number(p), argv);
        if (!envHits.has(Number(p)) && read(`/proc/${p}/environ`)?.includes(secret))
          envHits.set(Number(p), { ppid: parentOf(p), argv });
      }
      result.scans++;
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  result.stop = async () => {
    running = false;
    await loop;
    const allowed = opts.envAllowed?.() ?? new Set<number>();
    for (const [pid, hit] of envHits) {
      // A child of an allowed process caught between fork and exec still shows its parent's
      // argv and environment: that is the parent's own memory, not a key handed to the child.
      const forkImage = allowed.has(hit.ppid) && argvOf.get(hit.ppid) === hit.argv;
      if (!allowed.has(pid) && !forkImage) result.hits.push(`${pid} environ (${hit.argv.slice(0, 120)})`);
    }
  };
  return result;
}
