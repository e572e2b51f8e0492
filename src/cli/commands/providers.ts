import type { Command } from "commander";
import { loadConfig } from "../../config/load.js";
import { loadProviders, type Provider } from "../../llm/providers.js";
import { listKeys, type KeySource } from "../../keys/key-store.js";
import { resolveBaseUrl } from "../resolve-run.js";
import { checkModels, formatModelChecks, modelChecksOk } from "../model-check.js";
import { ExitCode } from "../../util/user-error.js";

/** One provider as `cadagent providers --json` prints it: where a key comes from, never the key. */
export interface ProviderInfo {
  id: string;
  name: string;
  protocol: Provider["protocol"];
  defaultModel: string;
  models: string[];
  /** The endpoint a run would use (a base-URL variable overrides the catalog). */
  baseUrl: string;
  keyEnv: string[];
  keyRequired: boolean;
  key: { available: boolean; source: KeySource | null; detail: string | null };
  /** When the catalog's models and prices were last checked (YYYY-MM-DD). */
  checked: string | null;
}

/** Registers `cadagent providers [--json] [--check]`. */
export function register(program: Command): void {
  program
    .command("providers")
    .description("List providers, their protocol and default model, and whether a key is available (and from where)")
    .option("--json", "print the list as JSON on stdout")
    .option(
      "--check",
      "ask each provider that has a key for its model list: are the default and configured models served?",
    )
    .addHelpText(
      "after",
      `
The model ids in providers/*.json were checked on the date in each file's "checked" field;
providers retire models, so \`--check\` asks them (exit 3 when a default or configured model
is not served, or a list could not be read).

Examples:
  $ cadagent providers
  $ cadagent providers --check
  $ cadagent providers --check --json`,
    )
    .action(async (flags: { json?: boolean; check?: boolean }) => {
      const infos = await providerInfos(process.env);
      if (!flags.check) {
        process.stdout.write(flags.json ? `${JSON.stringify(infos, null, 2)}\n` : formatProviders(infos));
        return;
      }
      const providers = loadProviders();
      const config = loadConfig({ env: process.env, cwd: process.cwd(), providers });
      const checks = await checkModels(providers, {
        env: process.env,
        apiKeysFile: config.apiKeysFile,
        configured: { provider: config.provider, model: config.model },
      });
      process.stdout.write(flags.json ? `${JSON.stringify(checks, null, 2)}\n` : formatModelChecks(checks));
      process.exitCode = modelChecksOk(checks) ? ExitCode.ok : ExitCode.provider;
    });
}

export async function providerInfos(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Promise<ProviderInfo[]> {
  const providers = loadProviders();
  const config = loadConfig({ env, cwd, providers });
  const listing = await listKeys(providers, { env, apiKeysFile: config.apiKeysFile });
  return providers.map((p): ProviderInfo => {
    const entry = listing.entries.find((e) => e.provider === p.id);
    let baseUrl: string;
    try {
      baseUrl = resolveBaseUrl(p, undefined, env);
    } catch {
      baseUrl = p.baseUrl;
    }
    return {
      id: p.id,
      name: p.name,
      protocol: p.protocol,
      defaultModel: p.defaultModel,
      models: p.models.map((m) => m.id),
      baseUrl,
      keyEnv: p.keyEnv,
      keyRequired: p.keyRequired,
      key: { available: entry?.source !== undefined, source: entry?.source ?? null, detail: entry?.detail ?? null },
      checked: p.checked ?? null,
    };
  });
}

function keyColumn(p: ProviderInfo): string {
  if (p.key.available) return `yes (${p.key.source}: ${p.key.detail})`;
  if (!p.keyRequired) return "not needed";
  return `no — set ${p.keyEnv[0] ?? "a key"} or run \`cadagent keys set ${p.id}\``;
}

/** A plain table; the key column says where a key comes from, never what it is. */
export function formatProviders(infos: readonly ProviderInfo[]): string {
  const rows = [
    ["provider", "protocol", "default model", "checked", "key"],
    ...infos.map((p) => [p.id, p.protocol, p.defaultModel, p.checked ?? "-", keyColumn(p)]),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => (i < 4 ? cell.padEnd(widths[i] ?? 0) : cell))
      .join("  ")
      .trimEnd(),
  );
  return `${lines.join("\n")}\nModel lists are dated (column "checked"); \`cadagent providers --check\` asks the providers.\n`;
}
