import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { packageRoot } from "../util/package-root.js";
import { PROTOCOLS } from "./types.js";

/** Price per million tokens, USD. */
export const ModelEntrySchema = z.object({
  id: z.string().min(1),
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
  vision: z.boolean().default(true),
});
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

/** One file in providers/: adding an OpenAI-compatible provider is adding one of these. */
export const ProviderSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  name: z.string(),
  protocol: z.enum(PROTOCOLS),
  baseUrl: z.string().url(),
  baseUrlEnv: z.array(z.string()).default([]),
  keyEnv: z.array(z.string()).default([]),
  /** False for local servers such as Ollama that take no key. */
  keyRequired: z.boolean().default(true),
  defaultModel: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  models: z.array(ModelEntrySchema).default([]),
  /** Whether models not listed in `models` take images (listed ones say so themselves). */
  vision: z.boolean().default(true),
  docs: z.string().optional(),
  /** Chat Completions gateways with extensions of their own (see AdapterOptions.dialect). */
  dialect: z.enum(["openrouter"]).optional(),
  /** The date the models and prices were last checked against the provider's pages (YYYY-MM-DD). */
  checked: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  /** Where the model ids and prices come from. */
  pricing: z.string().optional(),
});
export type Provider = z.infer<typeof ProviderSchema>;

let cache: Provider[] | undefined;

/** Every provider in providers/*.json, sorted by id. Throws with the file name on a bad entry. */
export function loadProviders(dir: string = path.join(packageRoot, "providers")): Provider[] {
  if (cache && dir === path.join(packageRoot, "providers")) return cache;
  const out: Provider[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const full = path.join(dir, file);
    const parsed = ProviderSchema.safeParse(JSON.parse(readFileSync(full, "utf8")));
    if (!parsed.success) {
      throw new Error(`${full}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    out.push(parsed.data);
  }
  out.sort((a, b) => a.id.localeCompare(b.id));
  if (dir === path.join(packageRoot, "providers")) cache = out;
  return out;
}

export function findProvider(id: string, providers: Provider[] = loadProviders()): Provider | undefined {
  return providers.find((p) => p.id === id);
}

/** Price entry for a model, or undefined: unknown prices give costUsd null, never a guess. */
export function modelPrice(provider: Provider, model: string): ModelEntry | undefined {
  return provider.models.find((m) => m.id === model);
}

/** Whether the model takes images in tool results; unlisted models follow the provider's default. */
export function modelVision(provider: Provider, model: string): boolean {
  return modelPrice(provider, model)?.vision ?? provider.vision;
}
