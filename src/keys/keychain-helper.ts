import { spawn } from "node:child_process";
import { createRequire } from "node:module";

/**
 * Runs @napi-rs/keyring in a short-lived child process instead of in-process.
 *
 * Why a process: on Linux the library connects to D-Bus synchronously in the Entry
 * constructor. When the session bus socket accepts but never answers (a stopped or wedged
 * dbus-daemon, a stale forwarded socket) that call blocks the event loop for good — measured:
 * no timer fired for 30 s. A worker thread does not help either: a thread stuck in native
 * code keeps the process from exiting, even through process.exit(). Only a child process can
 * be abandoned, so the timeout below is a real guarantee rather than a hope. The cost is one
 * node start (~50 ms) per batch of operations.
 *
 * Secrets travel over stdin/stdout only; the argv is the constant below (never a key).
 */

/** One keychain operation; `account` is the provider id. */
export type HelperOp =
  { op: "get"; account: string } | { op: "set"; account: string; secret: string } | { op: "delete"; account: string };

/** Result of one op: `value` is the password (get), or whether something was deleted (delete). */
export type HelperResult = { ok: true; value?: string | boolean | null } | { ok: false; error: string };

export type HelperOutcome = { ok: true; results: HelperResult[] } | { ok: false; error: string; timedOut?: boolean };

/** Shown in `ps`, so a stuck helper is recognisable (and tests can prove they saw it). */
export const HELPER_MARKER = "cadagent-keychain-helper";

// Plain ESM JavaScript, run with `node --input-type=module -e` so it works from the compiled
// package and from sources under vitest alike. Ops stop at the first failure: when the store
// is unavailable every later op would fail the same way, each costing a D-Bus round trip.
const HELPER_SOURCE = `
import { pathToFileURL } from "node:url";
const msg = (e) => (e instanceof Error ? e.message : String(e)).split("\\n")[0];
const out = (v) => process.stdout.write(JSON.stringify(v) + "\\n");
let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const req = JSON.parse(input);
let keyring;
try { keyring = await import(pathToFileURL(req.module).href); }
catch (e) { out({ fatal: "cannot load @napi-rs/keyring: " + msg(e) }); }
if (keyring) {
  const options = { linux: { store: "secret-service" } };
  const results = [];
  for (const op of req.ops) {
    try {
      const entry = new keyring.AsyncEntry(req.service, op.account, options);
      if (op.op === "get") results.push({ ok: true, value: (await entry.getPassword()) ?? null });
      else if (op.op === "set") { await entry.setPassword(op.secret); results.push({ ok: true }); }
      else if (op.op === "delete") results.push({ ok: true, value: await entry.deletePassword() });
      else results.push({ ok: false, error: "unknown op " + op.op });
    } catch (e) { results.push({ ok: false, error: msg(e) }); break; }
  }
  out({ results });
}
`;

/** The helper's argv after the node binary. Takes no arguments on purpose: nothing secret can reach it. */
export function helperArgs(): string[] {
  return ["--input-type=module", "-e", HELPER_SOURCE, HELPER_MARKER];
}

/**
 * The helper's environment: the caller's, minus anything that looks like a credential (the
 * keyring needs DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR, HOME…, never an API key).
 */
export function helperEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !/API_KEY|TOKEN|SECRET|PASSWORD|PASSWD/i.test(k)) out[k] = v;
  }
  // NODE_OPTIONS could load loaders or debuggers into a process that handles secrets.
  delete out.NODE_OPTIONS;
  return out;
}

function keyringModulePath(): string {
  return createRequire(import.meta.url).resolve("@napi-rs/keyring");
}

export interface HelperRunOptions {
  service: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Run ops in one helper process. Never rejects: failures come back as `{ok: false}`. */
export function runKeychainHelper(ops: readonly HelperOp[], opts: HelperRunOptions): Promise<HelperOutcome> {
  let module: string;
  try {
    module = keyringModulePath();
  } catch (e) {
    return Promise.resolve({
      ok: false,
      error: `@napi-rs/keyring is not installed (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`,
    });
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (o: HelperOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const child = spawn(process.execPath, helperArgs(), {
      env: helperEnv(opts.env),
      stdio: ["pipe", "pipe", "pipe"],
      windowsHide: true,
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      finish({
        ok: false,
        error: `the keychain did not answer within ${(opts.timeoutMs / 1000).toFixed(1)} s`,
        timedOut: true,
      });
    }, opts.timeoutMs);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
    child.stdin.on("error", () => undefined);
    child.on("error", (e) => finish({ ok: false, error: `cannot start the keychain helper: ${e.message}` }));
    child.on("close", (code, signal) => finish(parseReply(stdout, stderr, code, signal)));
    child.stdin.end(JSON.stringify({ module, service: opts.service, ops }));
  });
}

function parseReply(stdout: string, stderr: string, code: number | null, signal: NodeJS.Signals | null): HelperOutcome {
  const line = stdout.trim().split("\n").pop() ?? "";
  let reply: unknown;
  try {
    reply = JSON.parse(line);
  } catch {
    const why =
      stderr
        .trim()
        .split("\n")
        .find((l) => /error/i.test(l)) ??
      stderr.trim().split("\n")[0] ??
      "";
    return { ok: false, error: `the keychain helper failed (${signal ?? `exit ${code}`})${why ? `: ${why}` : ""}` };
  }
  if (typeof reply === "object" && reply !== null) {
    if ("fatal" in reply && typeof reply.fatal === "string") return { ok: false, error: reply.fatal };
    if ("results" in reply && Array.isArray(reply.results))
      return { ok: true, results: reply.results.filter(isHelperResult) };
  }
  return { ok: false, error: "the keychain helper sent an unreadable reply" };
}

function isHelperResult(v: unknown): v is HelperResult {
  if (typeof v !== "object" || v === null || !("ok" in v)) return false;
  return v.ok === true || ("error" in v && typeof v.error === "string");
}
