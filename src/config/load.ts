import { readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_FORMATS, parseFormats, type ExportFormat } from "../util/export-formats.js";
import { UserError, ExitCode } from "../util/user-error.js";
import { didYouMean } from "../util/did-you-mean.js";
import { lineColumn, offsetOfPath, scanJson, type JsonPath } from "../util/json-locate.js";
import { API_KEYS_FILE, cadagentHome, expandHome, PROJECT_CONFIG_FILE, USER_CONFIG_FILE } from "./paths.js";
import {
  CONFIG_KEYS,
  ConfigFileSchema,
  EXPECTED,
  type ConfigKey,
  type ConfigSource,
  type ResolvedConfig,
} from "./schema.js";

/**
 * Settings precedence: flags > environment > project ./cadagent.config.json > user
 * <CADAGENT_HOME>/config.json > defaults. Every bad value is a UserError (exit 2) naming the
 * file (and line), variable or flag, the key, and what is expected.
 */

/** The environment variable for each setting. FREECAD_CMD is the one CLI.md already documents. */
export const CONFIG_ENV: Record<ConfigKey, string> = {
  provider: "CADAGENT_PROVIDER",
  model: "CADAGENT_MODEL",
  outDir: "CADAGENT_OUT_DIR",
  formats: "CADAGENT_FORMATS",
  maxTurns: "CADAGENT_MAX_TURNS",
  budgetUsd: "CADAGENT_BUDGET_USD",
  timeoutSeconds: "CADAGENT_TIMEOUT_SECONDS",
  effort: "CADAGENT_EFFORT",
  freecadPath: "FREECAD_CMD",
  apiKeysFile: "CADAGENT_API_KEYS_FILE",
};

const NUMERIC: ReadonlySet<ConfigKey> = new Set(["maxTurns", "budgetUsd", "timeoutSeconds"]);

/** Keys that name an executable: never taken from a project-level config file. */
const EXECUTABLE_KEYS: ReadonlySet<ConfigKey> = new Set(["freecadPath"]);
const USER_CONFIG_HINT = "<CADAGENT_HOME>/config.json";

export const DEFAULT_MAX_TURNS = 30;

/** What config needs to know of a catalog entry. */
export interface KnownProvider {
  id: string;
}

export interface LoadConfigOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * The provider catalog to check `provider` against (llm/providers.ts loads it; config sits
   * below llm, so the caller hands it in), or a function that loads it when first needed.
   */
  providers: readonly KnownProvider[] | (() => readonly KnownProvider[]);
}

/** Values of one layer after validation; paths already absolute. */
interface Values {
  provider?: string;
  model?: string;
  outDir?: string;
  formats?: ExportFormat[];
  maxTurns?: number;
  budgetUsd?: number;
  timeoutSeconds?: number;
  effort?: "low" | "medium" | "high";
  freecadPath?: string;
  apiKeysFile?: string;
}

interface Layer {
  source: ConfigSource;
  values: Values;
}

/** How to name the place a bad value came from, in an error message. */
type Where = (key: string, path?: JsonPath) => string;

function show(v: unknown): string {
  const s = typeof v === "string" ? JSON.stringify(v) : v === undefined ? "nothing" : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function fail(messages: string[]): never {
  throw new UserError(messages.join("\n"), ExitCode.usage);
}

/**
 * A path from a file resolves against that file's folder, from env or flags against cwd.
 * A bare command name ("freecadcmd") stays as is so PATH lookup still applies.
 */
function resolvePath(p: string, baseDir: string, env: NodeJS.ProcessEnv, keepBare: boolean): string {
  const expanded = expandHome(p, env);
  if (keepBare && !/[\\/]/.test(expanded)) return expanded;
  return path.resolve(baseDir, expanded);
}

/** Validate one key's raw value and normalise it; returns an error line or the value. */
function checkKey(
  key: ConfigKey,
  raw: unknown,
  ctx: { baseDir: string; env: NodeJS.ProcessEnv; providers: () => readonly KnownProvider[] },
): { ok: true; value: Values[ConfigKey] } | { ok: false; why: string } {
  const parsed = ConfigFileSchema.shape[key].safeParse(raw);
  if (!parsed.success) return { ok: false, why: `must be ${EXPECTED[key]}, got ${show(raw)}` };
  const v = parsed.data;
  if (v === undefined) return { ok: true, value: undefined };
  switch (key) {
    case "formats":
      try {
        return { ok: true, value: parseFormats(Array.isArray(v) ? v.join(",") : String(v)) };
      } catch (e) {
        return { ok: false, why: `must be ${EXPECTED.formats}: ${(e as Error).message}` };
      }
    case "provider": {
      const ids = ctx.providers().map((p) => p.id);
      if (typeof v === "string" && !ids.includes(v)) {
        const guess = didYouMean(v, ids);
        return {
          ok: false,
          why: `must be a known provider id, got ${show(v)}${guess ? ` (did you mean "${guess}"?)` : ""}; known: ${ids.join(", ")}`,
        };
      }
      return { ok: true, value: v as string };
    }
    case "outDir":
    case "apiKeysFile":
      return { ok: true, value: resolvePath(v as string, ctx.baseDir, ctx.env, false) };
    case "freecadPath":
      return { ok: true, value: resolvePath(v as string, ctx.baseDir, ctx.env, true) };
    default:
      return { ok: true, value: v as Values[ConfigKey] };
  }
}

function setValue(values: Values, key: ConfigKey, value: Values[ConfigKey]): void {
  (values as Record<ConfigKey, Values[ConfigKey]>)[key] = value;
}

/** Parse one config file; undefined when it does not exist. */
function readLayer(
  file: string,
  source: ConfigSource,
  env: NodeJS.ProcessEnv,
  providers: () => readonly KnownProvider[],
): Layer | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    fail([`cannot read config ${file}: ${(e as Error).message}`]);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const scan = scanJson(text);
  if (!scan.ok)
    fail([
      `invalid config ${file}:${lineColumn(text, scan.problem.offset).line}: invalid JSON: ${scan.problem.reason}`,
    ]);
  const where: Where = (key, p = [key]) =>
    `invalid config ${file}:${lineColumn(text, offsetOfPath(scan.offsets, p)).line}: "${key}"`;
  const data: unknown = JSON.parse(text);
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    fail([`invalid config ${file}: expected an object like {"provider": "anthropic", "maxTurns": 30}`]);
  }
  const errors: string[] = [];
  const values: Values = {};
  for (const [key, raw] of Object.entries(data)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      const guess = didYouMean(key, CONFIG_KEYS);
      errors.push(
        `${where(key)}: unknown key${guess ? ` (did you mean "${guess}"?)` : ""}; known keys: ${CONFIG_KEYS.join(", ")}`,
      );
      continue;
    }
    const k = key as ConfigKey;
    if (source === "project" && EXECUTABLE_KEYS.has(k)) {
      // A project folder may come from anyone (a cloned repository, a downloaded example):
      // letting its config pick the program cadagent runs would run that program.
      errors.push(
        `${where(k)} names a program to run, which only your own config (${USER_CONFIG_HINT}) or the ${CONFIG_ENV[k]} environment variable may do; remove it from ${file}`,
      );
      continue;
    }
    const r = checkKey(k, raw, { baseDir: path.dirname(file), env, providers });
    if (r.ok) setValue(values, k, r.value);
    else errors.push(`${where(k)} ${r.why}`);
  }
  if (errors.length) fail(errors);
  return { source, values };
}

/** Convert an environment string into the JSON type the key takes (numbers stay strict: "10abc" is refused). */
function fromString(key: ConfigKey, s: string): unknown {
  if (!NUMERIC.has(key)) return s;
  const n = Number(s.trim());
  return s.trim() !== "" && Number.isFinite(n) ? n : s;
}

function envLayer(env: NodeJS.ProcessEnv, cwd: string, providers: () => readonly KnownProvider[]): Layer {
  const values: Values = {};
  const errors: string[] = [];
  for (const key of CONFIG_KEYS) {
    const name = CONFIG_ENV[key];
    const s = env[name];
    if (s === undefined || s === "") continue;
    const r = checkKey(key, fromString(key, s), { baseDir: cwd, env, providers });
    if (r.ok) setValue(values, key, r.value);
    else errors.push(`invalid environment variable ${name}: ${r.why}`);
  }
  if (errors.length) fail(errors);
  return { source: "env", values };
}

function defaults(
  cwd: string,
  home: string,
): Required<Pick<Values, "outDir" | "formats" | "maxTurns" | "apiKeysFile">> {
  return {
    outDir: path.join(cwd, "cadagent-out"),
    formats: [...DEFAULT_FORMATS],
    maxTurns: DEFAULT_MAX_TURNS,
    apiKeysFile: path.join(home, API_KEYS_FILE),
  };
}

/** Merge the layers (later wins) into a ResolvedConfig. */
function merge(home: string, cwd: string, layers: Layer[], files: ResolvedConfig["files"]): ResolvedConfig {
  const d = defaults(cwd, home);
  const sources = Object.fromEntries([...CONFIG_KEYS, "out"].map((k) => [k, "default"])) as ResolvedConfig["sources"];
  const v: Values = { ...d };
  for (const layer of layers) {
    for (const key of CONFIG_KEYS) {
      const value = layer.values[key];
      if (value === undefined) continue;
      setValue(v, key, value);
      sources[key] = layer.source;
    }
  }
  return {
    home,
    provider: v.provider,
    model: v.model,
    outDir: v.outDir ?? d.outDir,
    out: undefined,
    formats: v.formats ?? d.formats,
    maxTurns: v.maxTurns ?? d.maxTurns,
    budgetUsd: v.budgetUsd,
    timeoutSeconds: v.timeoutSeconds,
    effort: v.effort,
    freecadPath: v.freecadPath,
    apiKeysFile: v.apiKeysFile ?? d.apiKeysFile,
    sources,
    files,
  };
}

/**
 * Load settings from defaults, `<CADAGENT_HOME>/config.json`, `<cwd>/cadagent.config.json`
 * and the environment (flags come on top through mergeFlags). Throws UserError (exit 2) on any
 * bad file or value.
 */
export function loadConfig(opts: LoadConfigOptions): ResolvedConfig {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const env = opts.env ?? process.env;
  const providers = lazyCatalog(opts.providers);
  const home = cadagentHome(env);
  const userFile = path.join(home, USER_CONFIG_FILE);
  const projectFile = path.join(cwd, PROJECT_CONFIG_FILE);
  const user = readLayer(userFile, "user", env, providers);
  // The project file may be the user file when cwd is CADAGENT_HOME; read it once.
  const project = projectFile === userFile ? undefined : readLayer(projectFile, "project", env, providers);
  const layers = [user, project, envLayer(env, cwd, providers)].filter((l): l is Layer => l !== undefined);
  return merge(home, cwd, layers, {
    user: { path: userFile, loaded: user !== undefined },
    project: { path: projectFile, loaded: project !== undefined },
  });
}

/** Command-line flags as commander hands them over (numbers may still be strings). */
export interface ConfigFlags {
  provider?: string;
  model?: string;
  /** `-o, --out`: the exact output folder. */
  out?: string;
  formats?: string;
  maxTurns?: string | number;
  /** `--budget <usd>` */
  budget?: string | number;
  /** `--timeout <seconds>` */
  timeout?: string | number;
  /** `--effort low|medium|high` */
  effort?: string;
}

const FLAG_KEYS: ReadonlyArray<[keyof ConfigFlags, ConfigKey | "out", string]> = [
  ["provider", "provider", "--provider"],
  ["model", "model", "--model"],
  ["out", "out", "--out"],
  ["formats", "formats", "--formats"],
  ["maxTurns", "maxTurns", "--max-turns"],
  ["budget", "budgetUsd", "--budget"],
  ["timeout", "timeoutSeconds", "--timeout"],
  ["effort", "effort", "--effort"],
];

/** The config with flags applied on top (flags win). Throws UserError (exit 2) naming the flag. */
export function mergeFlags(config: ResolvedConfig, flags: ConfigFlags, opts: LoadConfigOptions): ResolvedConfig {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const env = opts.env ?? process.env;
  const providers = lazyCatalog(opts.providers);
  const out: ResolvedConfig = { ...config, sources: { ...config.sources } };
  const errors: string[] = [];
  for (const [flag, key, name] of FLAG_KEYS) {
    const raw = flags[flag];
    if (raw === undefined) continue;
    if (key === "out") {
      if (typeof raw !== "string" || raw.trim() === "") errors.push(`invalid ${name}: must be a folder path`);
      else {
        out.out = resolvePath(raw, cwd, env, false);
        out.sources.out = "flag";
      }
      continue;
    }
    const r = checkKey(key, typeof raw === "string" ? fromString(key, raw) : raw, { baseDir: cwd, env, providers });
    if (!r.ok) {
      errors.push(`invalid ${name} ${show(raw)}: ${r.why}`);
      continue;
    }
    (out as unknown as Record<ConfigKey, Values[ConfigKey]>)[key] = r.value;
    out.sources[key] = "flag";
  }
  if (errors.length) fail(errors);
  return out;
}

function lazyCatalog(given: LoadConfigOptions["providers"]): () => readonly KnownProvider[] {
  if (typeof given !== "function") return () => given;
  let catalog: readonly KnownProvider[] | undefined;
  return () => (catalog ??= given());
}
