import { resolveKey, type KeyStoreOptions } from "../keys/key-store.js";
import type { Provider } from "../llm/providers.js";
import { providerAdapter } from "./provider-adapter.js";
import { resolveBaseUrl } from "./resolve-run.js";

/**
 * Whether the models cadagent would use are still served: each provider that has a key is
 * asked for its model list (every provider has a list-models endpoint). Model ids in
 * providers/*.json are dated; providers retire models, and this is how a user finds out
 * before a run fails. Keys go only to their provider's endpoint and never into the result.
 */

export interface ModelCheck {
  provider: string;
  /** False when the provider was not asked (no key, or a keyless local server with no URL set). */
  checked: boolean;
  /** Why it was not asked, or why the list could not be read. */
  note: string | null;
  /** The list endpoint answered. */
  reachable: boolean;
  served: number;
  /** The catalog default and (when set for this provider) the configured model, each with whether it is served. */
  models: Array<{ id: string; role: "default" | "configured"; served: boolean }>;
}

export interface ModelCheckOptions extends KeyStoreOptions {
  env: NodeJS.ProcessEnv;
  /** The configured provider and model (config file, CADAGENT_*): the model is checked against that provider. */
  configured?: { provider: string | undefined; model: string | undefined };
  timeoutMs?: number;
}

/** Asks every provider with a key which models it serves; one failing provider does not stop the others. */
export async function checkModels(providers: readonly Provider[], opts: ModelCheckOptions): Promise<ModelCheck[]> {
  return Promise.all(providers.map((p) => checkOne(p, opts)));
}

/** True when every checked provider answered and serves its default and configured model. */
export function modelChecksOk(checks: readonly ModelCheck[]): boolean {
  return checks.every((c) => !c.checked || (c.reachable && c.models.every((m) => m.served)));
}

async function checkOne(p: Provider, opts: ModelCheckOptions): Promise<ModelCheck> {
  const wanted: Array<{ id: string; role: "default" | "configured" }> = [{ id: p.defaultModel, role: "default" }];
  const configured = opts.configured;
  const model = configured?.model;
  if (model && model !== p.defaultModel && (configured.provider === undefined || configured.provider === p.id))
    wanted.push({ id: model, role: "configured" });
  const skip = (note: string): ModelCheck => ({
    provider: p.id,
    checked: false,
    note,
    reachable: false,
    served: 0,
    models: [],
  });
  const key = await resolveKey(p, opts).catch(() => undefined);
  const urlSet = p.baseUrlEnv.some((v) => opts.env[v]);
  if (!key && p.keyRequired) return skip("no key");
  if (!key && !urlSet) return skip(`local server not checked (set ${p.baseUrlEnv[0] ?? "its base URL"} to check it)`);
  let baseUrl: string;
  try {
    baseUrl = resolveBaseUrl(p, undefined, opts.env);
  } catch (e) {
    return skip(e instanceof Error ? e.message : String(e));
  }
  const adapter = providerAdapter(p, baseUrl, key?.key, opts.env);
  try {
    const ids = (await adapter.listModels?.(AbortSignal.timeout(opts.timeoutMs ?? 15_000))) ?? [];
    const served = new Set(ids);
    return {
      provider: p.id,
      checked: true,
      note: null,
      reachable: true,
      served: ids.length,
      models: wanted.map((w) => ({ ...w, served: served.has(w.id) })),
    };
  } catch (e) {
    return {
      provider: p.id,
      checked: true,
      note: e instanceof Error ? e.message : String(e),
      reachable: false,
      served: 0,
      models: wanted.map((w) => ({ ...w, served: false })),
    };
  }
}

/** One line per provider for the terminal. */
export function formatModelChecks(checks: readonly ModelCheck[]): string {
  const lines = checks.map((c) => {
    if (!c.checked) return `${c.provider}: not checked (${c.note ?? ""})`;
    if (!c.reachable) return `${c.provider}: the model list could not be read: ${c.note ?? ""}`;
    const models = c.models
      .map((m) => `${m.role} ${m.id} ${m.served ? "served" : "NOT SERVED (pick another with --model)"}`)
      .join("; ");
    return `${c.provider}: ${c.served} models served; ${models}`;
  });
  return `${lines.join("\n")}\n`;
}
