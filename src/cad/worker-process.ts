import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import { rmSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { packageRoot } from "../util/package-root.js";
import { CadError, noAnswer, type ReadyMessage, type StepReply, type WorkerReply } from "./protocol.js";
import { workerEnv } from "./worker-env.js";

export interface WorkerProcessOptions {
  freecadCmd: string;
  /** How long to wait for the worker's ready line. */
  startTimeoutMs?: number;
  /** After SIGINT on a timeout, how long before SIGKILL. */
  killGraceMs?: number;
  /** Receives the worker's stderr lines (FreeCAD chatter, tracebacks); default: kept in a ring. */
  onLog?: (line: string) => void;
  /**
   * A nice value (1..19) for the worker: a batch runs several workers beside the one Node
   * thread that keeps every job's provider stream moving, and at the same priority their
   * start-ups starve it (bench/batch.mjs). Unset: the worker runs at the CLI's priority.
   */
  niceness?: number;
}

interface Pending {
  id: number;
  resolve: (r: WorkerReply) => void;
  reject: (e: CadError) => void;
  /** A `run_steps` op finished: the request is alive, and its timeout starts again. */
  step: (r: StepReply) => void;
}

const WORKER_DIR = path.join(packageRoot, "src", "cad", "worker");

/**
 * One FreeCAD process speaking the JSON-lines protocol: requests on stdin, replies on fd 3
 * (FreeCAD's C++ writes progress to fd 1, which would corrupt a stdout protocol).
 * Calls are serialised: FreeCAD documents are not thread-safe and ops are milliseconds.
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private stdin: Writable | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private home: string | undefined;
  private exited = false;
  private readonly logRing: string[] = [];
  freecadVersion = "";
  ops: Record<string, boolean> = {};

  constructor(private readonly opts: WorkerProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && !this.exited;
  }

  /** The last stderr lines, for error messages when the worker dies. */
  recentLog(): string {
    return this.logRing.slice(-15).join("\n");
  }

  async start(): Promise<void> {
    const { env, home } = workerEnv();
    this.home = home;
    const boot = `import sys; sys.path.insert(0, ${JSON.stringify(WORKER_DIR)}); from cadagent_worker.main import run; run()`;
    let child: ChildProcess;
    try {
      child = spawn(this.opts.freecadCmd, ["-c", boot], { cwd: home, env, stdio: ["pipe", "pipe", "pipe", "pipe"] });
    } catch (e) {
      throw new CadError("unavailable", `cannot start FreeCAD (${this.opts.freecadCmd}): ${(e as Error).message}`);
    }
    this.child = child;
    if (this.opts.niceness && child.pid !== undefined) {
      try {
        os.setPriority(child.pid, this.opts.niceness);
      } catch {
        // Only a scheduling hint: a platform or policy that refuses it leaves the default.
      }
    }
    this.stdin = child.stdin ?? undefined;
    // A dead worker makes writes fail with EPIPE; the exit handler reports it instead.
    child.stdin?.on("error", () => undefined);
    const log = (line: string): void => {
      this.logRing.push(line);
      if (this.logRing.length > 200) this.logRing.shift();
      this.opts.onLog?.(line);
    };
    if (child.stdout) createInterface({ input: child.stdout }).on("line", log);
    if (child.stderr) createInterface({ input: child.stderr }).on("line", log);
    const replies = child.stdio[3] as Readable | null;
    if (!replies) throw new CadError("unavailable", "worker reply channel missing");

    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new CadError(
            "unavailable",
            `FreeCAD worker did not start within ${this.opts.startTimeoutMs ?? 30_000} ms\n${this.recentLog()}`,
          ),
        );
        this.kill();
      }, this.opts.startTimeoutMs ?? 30_000);
      const rl = createInterface({ input: replies });
      let first = true;
      rl.on("line", (line) => {
        if (first) {
          first = false;
          clearTimeout(timer);
          try {
            const msg = JSON.parse(line) as ReadyMessage;
            this.freecadVersion = msg.result.freecad;
            this.ops = msg.result.ops;
            resolve();
          } catch {
            reject(new CadError("unavailable", `FreeCAD worker sent a bad ready line: ${line.slice(0, 200)}`));
          }
          return;
        }
        this.onReply(line);
      });
      child.once("error", (e) => {
        clearTimeout(timer);
        this.exited = true;
        reject(new CadError("unavailable", `cannot start FreeCAD (${this.opts.freecadCmd}): ${e.message}`));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        this.exited = true;
        const why = `FreeCAD worker exited (${signal ?? `code ${code}`})`;
        // "crashed", not "unavailable": the program ran, so the client may try once more.
        reject(new CadError("crashed", `${why} while starting\n${this.recentLog()}`));
        const p = this.pending;
        this.pending = undefined;
        p?.reject(new CadError("crashed", why));
        this.cleanup();
      });
    });
    await ready;
  }

  private onReply(line: string): void {
    const p = this.pending;
    if (!p) return;
    let reply: WorkerReply;
    try {
      reply = JSON.parse(line) as WorkerReply;
    } catch {
      // The worker writes only strict JSON on fd 3: anything else means the channel is broken,
      // and waiting for a reply that cannot come would hang the call until its timeout.
      this.pending = undefined;
      p.reject(new CadError("bad_reply", `FreeCAD worker sent an unreadable reply: ${line.slice(0, 120)}`));
      return;
    }
    if (reply.id !== p.id && reply.id !== null) return;
    if ("step" in reply) {
      p.step(reply as StepReply);
      return;
    }
    this.pending = undefined;
    p.resolve(reply);
  }

  /**
   * Send one request and wait for its reply. On timeout: SIGINT (interrupts Python-level
   * work), then SIGKILL after the grace period (OCCT ignores SIGINT until it returns).
   * `onStep` hears each op of a `run_steps` request as it finishes; each restarts the timeout.
   */
  request(
    op: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    signal?: AbortSignal,
    onStep?: (r: StepReply) => void,
  ): Promise<WorkerReply> {
    if (!this.alive || !this.stdin) return Promise.reject(new CadError("crashed", "FreeCAD worker is not running"));
    if (this.pending) return Promise.reject(new CadError("bad_request", "worker busy: calls must be serialised"));
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      // Re-armed by each op of a run_steps request (see `step`).
      let timer: NodeJS.Timeout | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        signal?.removeEventListener("abort", onAbort);
      };
      const interrupt = (code: "timeout" | "aborted", message: string): void => {
        this.child?.kill("SIGINT");
        killTimer = setTimeout(() => {
          if (this.pending?.id === id) {
            this.pending = undefined;
            this.kill();
            done();
            reject(new CadError(code, message));
          }
        }, this.opts.killGraceMs ?? 2000);
      };
      const onAbort = (): void => interrupt("aborted", "operation aborted");
      const arm = (): NodeJS.Timeout => setTimeout(() => interrupt("timeout", noAnswer(op, timeoutMs)), timeoutMs);
      this.pending = {
        id,
        resolve: (r) => {
          done();
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        step: (r) => {
          // Each op of a batch gets the whole timeout, as it would on its own; once interrupted
          // (killTimer set), the kill stays due.
          if (killTimer === undefined) {
            clearTimeout(timer);
            timer = arm();
          }
          onStep?.(r);
        },
      };
      timer = arm();
      if (signal) {
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      }
      this.stdin?.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  kill(): void {
    if (this.child && !this.exited) this.child.kill("SIGKILL");
  }

  /** Test hook: write one raw line to the worker's stdin (malformed-request tests). */
  writeRawForTest(line: string): void {
    this.stdin?.write(`${line}\n`);
  }

  /**
   * Close stdin so the worker's loop ends; SIGKILL if it has not exited in time. `timeoutMs` 0
   * kills at once: for a worker whose work is all written (the end of a build), where a graceful
   * exit is ~20 ms of FreeCAD teardown that nobody needs.
   */
  async stop(timeoutMs = 2000): Promise<void> {
    const child = this.child;
    if (!child || this.exited) {
      this.cleanup();
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill("SIGKILL");
      }, timeoutMs);
      child.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      child.stdin?.end();
    });
    this.cleanup();
  }

  private cleanup(): void {
    if (this.home) {
      rmSync(this.home, { recursive: true, force: true });
      this.home = undefined;
    }
  }
}
