import path from "node:path";
import { checkOutDir } from "./out-dir-check.js";
import type { BatchJob } from "../batch/jobs.js";
import { findFreecad, freecadInstallHint } from "../cad/find-freecad.js";
import { loadConfig, mergeFlags, type ConfigFlags } from "../config/load.js";
import { requireProvider } from "../llm/provider-id.js";
import { loadProviders, modelPrice, type Provider } from "../llm/providers.js";
import type { ResolvedConfig } from "../config/schema.js";
import { keyHelp, lookupKey, type ResolvedKey } from "../keys/key-store.js";
import { UserError, ExitCode } from "../util/user-error.js";
import { pickProvider, resolveBaseUrl, timestamp } from "./resolve-run.js";

/**
 * A batch's settings, resolved and checked before any job starts (the batch twin of
 * resolveRun): providers and models per brief job, one key lookup per provider used, and every
 * problem — unknown provider, missing key, unpriced model with --budget — reported at once,
 * naming the jobs concerned. Design-record jobs need no provider and no key.
 */

export interface BatchFlags extends ConfigFlags {
  baseUrl?: string;
}

/** One provider the batch talks to. */
export interface ProviderUse {
  provider: Provider;
  baseUrl: string;
  /** undefined only for keyless providers (Ollama) without a key. */
  key: ResolvedKey | undefined;
}

export interface ResolvedBatch {
  config: ResolvedConfig;
  outDir: string;
  freecadCmd: string;
  timeoutMs: number | undefined;
  /** Provider id → its endpoint and key, for the providers brief jobs use. */
  providers: Map<string, ProviderUse>;
  /** Brief job id → provider id and model. */
  briefs: Map<string, { provider: string; model: string }>;
}

const list = (jobs: readonly BatchJob[]): string => {
  const ids = jobs.slice(0, 8).map((j) => `'${j.id}' (${j.where})`);
  return jobs.length > 8 ? `${ids.join(", ")} and ${jobs.length - 8} more` : ids.join(", ");
};

export async function resolveBatch(
  jobs: readonly BatchJob[],
  flags: BatchFlags,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<ResolvedBatch> {
  const catalog = loadProviders();
  const config = mergeFlags(loadConfig({ env, cwd, providers: catalog }), flags, { env, cwd, providers: catalog });
  const briefJobs = jobs.filter((j) => j.kind === "brief");
  const problems: string[] = [];

  // The batch provider (-p, config, or the first with a key) is only needed by jobs naming none.
  const unnamed = briefJobs.filter((j) => j.provider === undefined);
  let batchProvider: Provider | undefined;
  if (config.provider) batchProvider = requireProvider(config.provider, catalog);
  else if (unnamed.length) {
    try {
      batchProvider = await pickProvider(catalog, config, env);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      throw new UserError(`jobs ${list(unnamed)} name no provider, and ${e.message}`, ExitCode.usage);
    }
  }

  const briefs = new Map<string, { provider: string; model: string }>();
  const byProvider = new Map<string, { provider: Provider; jobs: BatchJob[] }>();
  for (const job of briefJobs) {
    let provider: Provider;
    try {
      provider =
        job.provider !== undefined
          ? requireProvider(job.provider, catalog, `provider in ${job.where}`)
          : (batchProvider as Provider);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      problems.push(e.message);
      continue;
    }
    // -m belongs to the batch provider: a job naming another provider gets that one's default.
    const model =
      job.model ??
      (provider.id === batchProvider?.id ? (config.model ?? provider.defaultModel) : provider.defaultModel);
    briefs.set(job.id, { provider: provider.id, model });
    const entry = byProvider.get(provider.id) ?? { provider, jobs: [] };
    entry.jobs.push(job);
    byProvider.set(provider.id, entry);
  }

  // --base-url is for the batch provider; without -p it is only unambiguous for a single provider.
  let baseUrlFor = batchProvider?.id;
  if (flags.baseUrl !== undefined && !config.provider && byProvider.size > 1) {
    problems.push(
      `--base-url is ambiguous: the jobs use providers ${[...byProvider.keys()].join(", ")}; add -p <provider> to say which one it is for (the others use their *_BASE_URL variables)`,
    );
  } else if (flags.baseUrl !== undefined && !config.provider && byProvider.size === 1) {
    baseUrlFor = [...byProvider.keys()][0];
  }

  const providers = new Map<string, ProviderUse>();
  for (const { provider, jobs: users } of byProvider.values()) {
    let baseUrl: string;
    try {
      baseUrl = resolveBaseUrl(provider, provider.id === baseUrlFor ? flags.baseUrl : undefined, env);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      problems.push(e.message);
      continue;
    }
    const lookup = await lookupKey(provider, { env, apiKeysFile: config.apiKeysFile });
    if (!lookup.found && provider.keyRequired) {
      const why =
        lookup.keychain && !lookup.keychain.available
          ? ` (the OS keychain is unavailable: ${lookup.keychain.reason})`
          : "";
      problems.push(
        `no API key for ${provider.name}, needed by ${users.length === 1 ? "job" : `${users.length} jobs:`} ${list(users)}: ${keyHelp(provider, config.apiKeysFile)}${why}`,
      );
    }
    providers.set(provider.id, { provider, baseUrl, key: lookup.found });
  }

  if (config.budgetUsd !== undefined) {
    const unpriced = new Map<string, BatchJob[]>();
    for (const job of briefJobs) {
      const b = briefs.get(job.id);
      const p = b && byProvider.get(b.provider)?.provider;
      if (!b || !p || modelPrice(p, b.model)) continue;
      const k = `${b.provider}/${b.model}`;
      unpriced.set(k, [...(unpriced.get(k) ?? []), job]);
    }
    for (const [k, users] of unpriced) {
      problems.push(
        `--budget needs the price of ${k} (jobs ${list(users)}), which providers/${k.split("/")[0]}.json does not list; drop --budget or add the model's prices`,
      );
    }
  }
  if (problems.length) throw new UserError(problems.join("\n"), ExitCode.usage);

  const freecad = findFreecad(env, config.freecadPath);
  if (!freecad) throw new UserError(`FreeCAD not found: ${freecadInstallHint()}`, ExitCode.cad);
  return {
    config,
    outDir: checkOutDir(
      config.out ?? path.join(config.outDir, `batch-${timestamp(new Date())}`),
      config.out !== undefined ? "-o" : "output folder",
    ),
    freecadCmd: freecad.path,
    timeoutMs: config.timeoutSeconds !== undefined ? Math.round(config.timeoutSeconds * 1000) : undefined,
    providers,
    briefs,
  };
}
