import { z } from "zod";
import type { ExportFormat } from "../util/export-formats.js";

/**
 * cadagent's settings: `<CADAGENT_HOME>/config.json` (user), `./cadagent.config.json`
 * (project), CADAGENT_* environment variables and command-line flags all set the same keys.
 * Files are strict: an unknown key is an error, because a misspelt setting silently ignored
 * is worse than a refusal.
 */

export const CONFIG_KEYS = [
  "provider",
  "model",
  "outDir",
  "formats",
  "maxTurns",
  "budgetUsd",
  "timeoutSeconds",
  "effort",
  "freecadPath",
  "apiKeysFile",
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** What each key expects, in words, for error messages. */
export const EXPECTED: Record<ConfigKey, string> = {
  provider: 'a provider id such as "anthropic" (see `cadagent providers`)',
  model: 'a model id such as "claude-sonnet-5-5"',
  outDir: "a folder path; each run writes into <outDir>/<slug>-<yyyymmdd-hhmmss>",
  formats: 'a list of export formats such as ["step", "stl", "fcstd"] (or "step,stl")',
  maxTurns: "a whole number of at least 1 (e.g. 30)",
  budgetUsd: "a positive number of US dollars (e.g. 2.5)",
  timeoutSeconds: "a positive number of seconds (e.g. 600)",
  effort: 'the reasoning effort: "low", "medium" or "high"',
  freecadPath: "the path of FreeCAD's command-line binary (freecadcmd / FreeCADCmd)",
  apiKeysFile: "the path of an api_keys.json file",
};

/** One config file (or the CADAGENT_* variables, once converted). Every key is optional. */
export const ConfigFileSchema = z.strictObject({
  provider: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .optional(),
  model: z.string().min(1).optional(),
  outDir: z.string().min(1).optional(),
  formats: z.union([z.array(z.string()).min(1), z.string().min(1)]).optional(),
  maxTurns: z.number().int().min(1).optional(),
  budgetUsd: z.number().positive().optional(),
  timeoutSeconds: z.number().positive().optional(),
  effort: z.enum(["low", "medium", "high"]).optional(),
  freecadPath: z.string().min(1).optional(),
  apiKeysFile: z.string().min(1).optional(),
});
export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/** Where a setting's value came from (lowest to highest precedence). */
export type ConfigSource = "default" | "user" | "project" | "env" | "flag";

/** The settings after merging every layer; paths are absolute. */
export interface ResolvedConfig {
  /** CADAGENT_HOME: folder of config.json and api_keys.json. */
  home: string;
  /** Provider id; undefined when nothing chose one (the caller picks, e.g. the first with a key). */
  provider: string | undefined;
  /** Model id; undefined means the provider's default model. */
  model: string | undefined;
  /** Parent of auto-named run folders (`<outDir>/<slug>-<yyyymmdd-hhmmss>`); default `<cwd>/cadagent-out`. */
  outDir: string;
  /** Exact output folder, from `--out` only (a config value would make every run overwrite the last). */
  out: string | undefined;
  formats: ExportFormat[];
  maxTurns: number;
  budgetUsd: number | undefined;
  timeoutSeconds: number | undefined;
  /** Reasoning effort for every request; undefined = the model's default. */
  effort: "low" | "medium" | "high" | undefined;
  /** FreeCAD binary from FREECAD_CMD or config; pass to findFreecad(env, freecadPath). */
  freecadPath: string | undefined;
  /** api_keys.json path; pass to the key store (KeyStoreOptions.apiKeysFile). */
  apiKeysFile: string;
  /** Which layer set each value. */
  sources: Record<ConfigKey | "out", ConfigSource>;
  /** The config files consulted and whether they existed. */
  files: { user: { path: string; loaded: boolean }; project: { path: string; loaded: boolean } };
}
