import path from "node:path";
import { findFreecad, freecadInstallHint } from "../cad/find-freecad.js";
import { loadConfig, mergeFlags, type ConfigFlags } from "../config/load.js";
import { requireProvider } from "../llm/provider-id.js";
import { loadProviders, modelPrice, type Provider } from "../llm/providers.js";
import type { ResolvedConfig } from "../config/schema.js";
import { listKeys, requireKey, type ResolvedKey } from "../keys/key-store.js";
import { UserError, ExitCode } from "../util/user-error.js";
import { checkOutDir } from "./out-dir-check.js";

/**
 * Everything a design run needs from flags, environment, config files and the key store,
 * resolved and checked before anything starts: a bad flag or a missing key is a usage error
 * (exit 2) and a missing FreeCAD is exit 4, both before a single paid request.
 */

export interface DesignFlags extends ConfigFlags {
  baseUrl?: string;
  allowPython?: boolean;
  views?: boolean;
  /** false with --no-review. */
  review?: boolean;
  json?: boolean;
  events?: boolean;
  /** Exit 1 when a declared requirement fails. */
  strict?: boolean;
}

export interface ResolvedRun {
  config: ResolvedConfig;
  provider: Provider;
  model: string;
  baseUrl: string;
  /** undefined only for keyless providers (Ollama) without a key. */
  key: ResolvedKey | undefined;
  outDir: string;
  freecadCmd: string;
  timeoutMs: number | undefined;
}

/** When nothing chose a provider, the first of these with a key is used. */
const PREFERRED = ["anthropic", "openai", "gemini", "openrouter"];

export async function resolveRun(
  brief: string,
  flags: DesignFlags,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<ResolvedRun> {
  if (!brief.trim()) throw new UserError('the brief is empty: cadagent "<what to design>"', ExitCode.usage);
  if (flags.json && flags.events)
    throw new UserError("--json and --events both write to stdout: use one of them", ExitCode.usage);
  const providers = loadProviders();
  const config = mergeFlags(loadConfig({ env, cwd, providers }), flags, { env, cwd, providers });
  const provider = config.provider
    ? requireProvider(config.provider, providers)
    : await pickProvider(providers, config, env);
  const model = config.model ?? provider.defaultModel;
  const baseUrl = resolveBaseUrl(provider, flags.baseUrl, env);
  const key = await requireKey(provider, { env, apiKeysFile: config.apiKeysFile });
  if (config.budgetUsd !== undefined && !modelPrice(provider, model)) {
    throw new UserError(
      `--budget needs the price of ${provider.id}/${model}, which providers/${provider.id}.json does not list (priced models: ${provider.models.map((m) => m.id).join(", ") || "none"}); drop --budget or add the model's prices`,
      ExitCode.usage,
    );
  }
  const freecad = findFreecad(env, config.freecadPath);
  if (!freecad) throw new UserError(`FreeCAD not found: ${freecadInstallHint()}`, ExitCode.cad);
  return {
    config,
    provider,
    model,
    baseUrl,
    key,
    outDir: checkOutDir(
      config.out ?? path.join(config.outDir, `${slugify(brief)}-${timestamp(new Date())}`),
      config.out !== undefined ? "-o" : "output folder",
    ),
    freecadCmd: freecad.path,
    timeoutMs: config.timeoutSeconds !== undefined ? Math.round(config.timeoutSeconds * 1000) : undefined,
  };
}

/** The first provider (preferred ones first) that has a key anywhere; a usage error when none has. */
export async function pickProvider(
  providers: readonly Provider[],
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv,
): Promise<Provider> {
  const ordered = [
    ...PREFERRED.map((id) => providers.find((p) => p.id === id)).filter((p): p is Provider => p !== undefined),
    ...providers.filter((p) => !PREFERRED.includes(p.id)),
  ];
  const listing = await listKeys(ordered, { env, apiKeysFile: config.apiKeysFile });
  const withKey = listing.entries.find((e) => e.source !== undefined && e.keyRequired);
  const chosen = withKey && ordered.find((p) => p.id === withKey.provider);
  if (chosen) return chosen;
  const vars = ordered.filter((p) => PREFERRED.includes(p.id)).flatMap((p) => p.keyEnv.slice(0, 1));
  throw new UserError(
    `no provider has an API key. Set one of ${vars.join(", ")}, or run \`cadagent keys set <provider>\` (key on stdin, stored in the OS keychain), or add {"<provider>": "<key>"} to ${config.apiKeysFile} (chmod 600); then pick it with -p <provider> (see \`cadagent providers\`)`,
    ExitCode.usage,
  );
}

/** `--base-url` > the provider's base-URL variables > the catalog's URL. */
export function resolveBaseUrl(provider: Provider, flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const fromEnv = provider.baseUrlEnv.map((name) => ({ name, value: env[name]?.trim() })).find((x) => x.value);
  const [where, url] =
    flag !== undefined
      ? ["--base-url", flag.trim()]
      : fromEnv
        ? [fromEnv.name, fromEnv.value ?? ""]
        : [`providers/${provider.id}.json`, provider.baseUrl];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(
      `invalid ${where} ${JSON.stringify(url)}: expected an http(s) URL such as ${provider.baseUrl}`,
      ExitCode.usage,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UserError(
      `invalid ${where} ${JSON.stringify(url)}: expected an http(s) URL such as ${provider.baseUrl}`,
      ExitCode.usage,
    );
  }
  return url.replace(/\/+$/, "");
}

/** A folder-name slug of the brief's first words: "A 40 mm cube!" → "a-40-mm-cube". */
export function slugify(brief: string, max = 40): string {
  const words = brief
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = "";
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > max) break;
    slug = next;
  }
  return slug || (words[0]?.slice(0, max) ?? "") || "design";
}

/** yyyymmdd-hhmmss in local time, as a user reads it. */
export function timestamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
