import path from "node:path";
import { CadClient } from "../cad/client.js";
import { findFreecad, freecadInstallHint, freecadVersion } from "../cad/find-freecad.js";
import { UserError } from "../util/user-error.js";
import type { Keychain } from "../keys/keychain.js";
import { keyHelp, listKeys, probeKeychain, type KeySource } from "../keys/key-store.js";
import { loadConfig } from "../config/load.js";
import { API_KEYS_FILE, cadagentHome, PROJECT_CONFIG_FILE, USER_CONFIG_FILE } from "../config/paths.js";
import { loadProviders, type Provider } from "../llm/providers.js";
import { isLoopbackHost } from "../llm/network-failure.js";
import { endpointListens } from "./local-endpoint.js";
import { resolveBaseUrl } from "./resolve-run.js";
import { checkModels, type ModelCheck } from "./model-check.js";

/**
 * `cadagent doctor`: can a design run on this machine, and if not, what to fix. Checks run in
 * parallel (FreeCAD start dominates); the report holds no key, masked or not.
 */

export const MIN_NODE_MAJOR = 20;
export const PREVIEW_SUPPORT = "tessellation preview: built in";
/** FreeCAD versions the whole suite runs on (0.20: CI; 1.0: `npm run test:freecad1`). */
export const TESTED_FREECAD = ["0.20.2", "1.0.0"] as const;
/** Older FreeCAD is not supported: doctor warns. */
export const MIN_FREECAD = "0.20";

/** A warning when `version` ("0.19.4", "1.0.0") is older than MIN_FREECAD, else undefined. */
export function freecadVersionWarning(version: string | undefined): string | undefined {
  if (!version) return undefined;
  const [major = 0, minor = 0] = version.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const [minMajor = 0, minMinor = 0] = MIN_FREECAD.split(".").map(Number);
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return undefined;
  return `FreeCAD ${version} is older than ${MIN_FREECAD} and not supported: parts may fail or differ (tested with ${TESTED_FREECAD.join(" and ")})`;
}

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  providers?: readonly Provider[];
  /** Keychain to probe; default the OS keychain. */
  keychain?: Keychain;
  /** Worker start + ping budget. */
  workerTimeoutMs?: number;
  /** Ask providers with keys for their model lists (default true). */
  checkModels?: boolean;
}

export interface DoctorProvider {
  id: string;
  name: string;
  keyRequired: boolean;
  /** Has a key, or needs none. */
  ready: boolean;
  source: KeySource | undefined;
  /** Variable name, keychain entry or file path: where the key is, never the key. */
  detail: string | undefined;
}

export interface DoctorReport {
  /** `providers --check` for the providers that have keys (empty when none has one). */
  models: ModelCheck[];
  /** A design can run: FreeCAD works and a provider (the configured one, if any) has a key or needs none. */
  ok: boolean;
  node: { version: string; ok: boolean };
  config: {
    ok: boolean;
    home: string;
    user: string;
    userLoaded: boolean;
    project: string;
    projectLoaded: boolean;
    provider: string | undefined;
    error: string | undefined;
  };
  freecad: {
    ok: boolean;
    path: string | undefined;
    source: string | undefined;
    version: string | undefined;
    /** The versions cadagent is tested with (TESTED_FREECAD). */
    tested: readonly string[];
    error: string | undefined;
  };
  worker: { ok: boolean; startMs: number | undefined; pingMs: number | undefined; error: string | undefined };
  keychain: { label: string; available: boolean; reason: string | undefined };
  apiKeysFile: { path: string; status: string; reason: string | undefined };
  providers: DoctorProvider[];
  render: { preview: string };
  /** What prevents a design from running, one fix per line. */
  problems: string[];
  /** Worth knowing, not blocking. */
  warnings: string[];
}

const ms = (t0: number): number => Math.round(performance.now() - t0);
const oneLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";

async function checkFreecad(
  env: NodeJS.ProcessEnv,
  configured: string | undefined,
  timeoutMs: number,
): Promise<Pick<DoctorReport, "freecad" | "worker">> {
  const found = findFreecad(env, configured);
  if (!found) {
    return {
      freecad: {
        ok: false,
        path: undefined,
        source: undefined,
        version: undefined,
        tested: TESTED_FREECAD,
        error: `FreeCAD not found: ${freecadInstallHint()}`,
      },
      worker: { ok: false, startMs: undefined, pingMs: undefined, error: "not started (no FreeCAD)" },
    };
  }
  const cad = new CadClient({
    freecadCmd: found.path,
    startTimeoutMs: timeoutMs,
    defaultTimeoutMs: timeoutMs,
    maxRestarts: 0,
  });
  const t0 = performance.now();
  try {
    await cad.start();
    const startMs = ms(t0);
    const t1 = performance.now();
    const pong = await cad.call<{ pong?: boolean; freecad?: string }>("ping", {}, { timeoutMs });
    const pingMs = ms(t1);
    const version = cad.freecadVersion || pong.freecad || undefined;
    return {
      freecad: { ok: true, path: found.path, source: found.source, version, tested: TESTED_FREECAD, error: undefined },
      worker: {
        ok: pong.pong === true,
        startMs,
        pingMs,
        error: pong.pong === true ? undefined : "the worker answered ping without pong",
      },
    };
  } catch (e) {
    // Tell "FreeCAD itself is broken" from "FreeCAD runs but our worker does not".
    const version = await freecadVersion(found.path, timeoutMs).catch(() => undefined);
    return {
      freecad: {
        ok: version !== undefined,
        path: found.path,
        source: found.source,
        version,
        tested: TESTED_FREECAD,
        error: version ? undefined : `${found.path} does not run: ${oneLine(e)}. ${freecadInstallHint()}`,
      },
      worker: { ok: false, startMs: undefined, pingMs: undefined, error: oneLine(e) },
    };
  } finally {
    await cad.close().catch(() => undefined);
  }
}

/** Run every check; never throws. */
export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const problems: string[] = [];
  const warnings: string[] = [];

  let providers: readonly Provider[] = [];
  try {
    providers = opts.providers ?? loadProviders();
  } catch (e) {
    problems.push(`provider catalog: ${oneLine(e)}`);
  }

  const home = cadagentHome(env);
  let config: ReturnType<typeof loadConfig> | undefined;
  let configError: string | undefined;
  try {
    config = loadConfig({ cwd, env, providers });
  } catch (e) {
    configError = e instanceof UserError ? e.message : oneLine(e);
    problems.push(configError);
  }
  const apiKeysFile = config?.apiKeysFile ?? path.join(home, API_KEYS_FILE);

  const major = Number(process.versions.node.split(".")[0]);
  const node = { version: process.version, ok: major >= MIN_NODE_MAJOR };
  if (!node.ok) problems.push(`Node ${process.version} is too old: cadagent needs Node ${MIN_NODE_MAJOR} or newer`);

  const storeOpts = { env, apiKeysFile, ...(opts.keychain ? { keychain: opts.keychain } : {}) };
  const [cad, keys, probe] = await Promise.all([
    checkFreecad(env, config?.freecadPath, opts.workerTimeoutMs ?? 60_000),
    listKeys(providers, storeOpts),
    probeKeychain(storeOpts),
  ]);
  // A failed read explains more than a failed write (a locked store still answers some reads).
  const keychain = keys.keychain.available ? probe : keys.keychain;
  if (!cad.freecad.ok) problems.push(cad.freecad.error ?? "FreeCAD does not work");
  else if (!cad.worker.ok) problems.push(`the FreeCAD worker does not start: ${cad.worker.error ?? "unknown error"}`);
  const tooOld = freecadVersionWarning(cad.freecad.version);
  if (tooOld) warnings.push(tooOld);

  if (keys.apiKeysFile.reason) problems.push(keys.apiKeysFile.reason);

  const byId = new Map(providers.map((p) => [p.id, p]));
  const doctorProviders = keys.entries.map((e): DoctorProvider => ({
    id: e.provider,
    name: byId.get(e.provider)?.name ?? e.provider,
    keyRequired: e.keyRequired,
    ready: e.source !== undefined || !e.keyRequired,
    source: e.source,
    detail: e.detail,
  }));
  const wanted = config?.provider;
  if (wanted) {
    const p = byId.get(wanted);
    const entry = doctorProviders.find((d) => d.id === wanted);
    if (p && entry && !entry.ready)
      problems.push(`no API key for ${p.name} (the configured provider): ${keyHelp(p, apiKeysFile)}`);
  } else if (!doctorProviders.some((d) => d.ready)) {
    const example = providers.find((p) => p.keyRequired);
    problems.push(
      `no provider has an API key${example ? `: e.g. for ${example.name}, ${keyHelp(example, apiKeysFile)}` : ""}`,
    );
  } else if (!doctorProviders.some((d) => d.ready && d.keyRequired)) {
    // Only keyless local providers are left: "ready" would be a promise nobody checked.
    const local = await localProviders(
      doctorProviders.filter((d) => d.ready).flatMap((d) => byId.get(d.id) ?? []),
      env,
    );
    const running = local.filter((l) => l.listens);
    if (running.length)
      warnings.push(
        `no hosted provider has a key; only ${running.map((l) => `${l.id} (answers at ${l.url})`).join(", ")}`,
      );
    else {
      const example = providers.find((p) => p.keyRequired);
      problems.push(
        `no provider can run: no hosted provider has a key${example ? ` (e.g. for ${example.name}, ${keyHelp(example, apiKeysFile)})` : ""}, and ${local.map((l) => `${l.id} does not answer at ${l.url}${l.id === "ollama" ? " (start it with `ollama serve`)" : ""}`).join("; ") || "no local provider is configured"}`,
      );
    }
  }
  if (!keychain.available)
    warnings.push(
      `keychain: ${keychain.label} unavailable — ${keychain.reason ?? "unknown reason"} (keys can still come from environment variables or ${keys.apiKeysFile.path})`,
    );

  // Only when keys exist: are the default and configured models still served? (`providers --check`)
  const models: ModelCheck[] =
    opts.checkModels !== false && doctorProviders.some((d) => d.source !== undefined)
      ? await checkModels(providers, {
          ...storeOpts,
          configured: { provider: config?.provider, model: config?.model },
        })
      : [];
  for (const c of models) {
    if (c.checked && !c.reachable) warnings.push(`${c.provider}: the model list could not be read: ${c.note ?? ""}`);
    for (const m of c.models)
      if (c.reachable && !m.served)
        warnings.push(`${c.provider}: the ${m.role} model ${m.id} is not served any more; pick another with --model`);
  }
  if (wanted === "ollama" || env.OLLAMA_BASE_URL)
    warnings.push(
      "ollama: start it with OLLAMA_CONTEXT_LENGTH=32768 or more (its default is 4096 on GPUs under 24 GiB, smaller than cadagent's first request)",
    );

  return {
    ok: problems.length === 0,
    node,
    models,
    config: {
      ok: configError === undefined,
      home,
      user: config?.files.user.path ?? path.join(home, USER_CONFIG_FILE),
      userLoaded: config?.files.user.loaded ?? false,
      project: config?.files.project.path ?? path.join(cwd, PROJECT_CONFIG_FILE),
      projectLoaded: config?.files.project.loaded ?? false,
      provider: wanted,
      error: configError,
    },
    ...cad,
    keychain: {
      label: keychain.label,
      available: keychain.available,
      reason: keychain.available ? undefined : keychain.reason,
    },
    apiKeysFile: keys.apiKeysFile,
    providers: doctorProviders,
    render: { preview: PREVIEW_SUPPORT },
    problems,
    warnings,
  };
}

/** Keyless providers with the URL a run would use and whether it listens (loopback only; others are not probed). */
async function localProviders(
  providers: readonly Provider[],
  env: NodeJS.ProcessEnv,
): Promise<Array<{ id: string; url: string; listens: boolean }>> {
  return Promise.all(
    providers.map(async (p) => {
      let url = p.baseUrl;
      try {
        url = resolveBaseUrl(p, undefined, env);
      } catch {
        return { id: p.id, url, listens: false };
      }
      const local = isLoopbackHost(new URL(url).hostname);
      return { id: p.id, url, listens: local ? ((await endpointListens(url)) ?? false) : true };
    }),
  );
}
