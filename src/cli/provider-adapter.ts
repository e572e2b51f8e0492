import type { Provider } from "../llm/providers.js";
import type { AdapterOptions } from "../llm/adapter-options.js";
import type { ProtocolAdapter } from "../llm/types.js";
import { unreachableError } from "../llm/network-failure.js";

/** Per-request inactivity limit: generous, because a model may think for a while before its first token. */
export const REQUEST_IDLE_TIMEOUT_MS = 180_000;

/**
 * The adapter a command uses for one provider: the catalog's headers, prompt caching where the
 * protocol has it, streaming unless CADAGENT_STREAM=0 (undocumented: JSON endpoints, for
 * servers without SSE and for tests).
 *
 * Unreachable endpoints come out as one non-retryable error naming the URL, cause and fix.
 * The provider SDKs are loaded on the first request, not at start-up: `--help`, `keys`, `tools`
 * and a refused brief should not pay a second of SDK loading.
 */
export function providerAdapter(
  provider: Provider,
  baseUrl: string,
  apiKey: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ProtocolAdapter {
  const options: AdapterOptions = {
    protocol: provider.protocol,
    baseUrl,
    apiKey: apiKey ?? "",
    headers: provider.headers,
    ...(provider.dialect ? { dialect: provider.dialect } : {}),
    // Chat Completions gateways decide per model (OpenRouter marks anthropic/* models).
    ...(provider.protocol === "anthropic" ? { promptCaching: true } : {}),
    timeoutMs: REQUEST_IDLE_TIMEOUT_MS,
    stream: env.CADAGENT_STREAM !== "0",
  };
  let loaded: Promise<ProtocolAdapter> | undefined;
  const load = (): Promise<ProtocolAdapter> =>
    (loaded ??= import("../llm/create-adapter.js").then((m) => m.createAdapter(options)));
  return {
    protocol: provider.protocol,
    async *stream(request, signal) {
      const adapter = await load();
      try {
        yield* adapter.stream(request, signal);
      } catch (e) {
        // Nothing listens there, or the name does not resolve: say so now rather than after retries.
        throw unreachableError(e, provider, baseUrl) ?? e;
      }
    },
    // The served models (providers --check, a 404 at run time): the same lazily loaded SDK.
    async listModels(signal) {
      const adapter = await load();
      if (!adapter.listModels) throw new Error(`${provider.name}: this protocol cannot list its models`);
      try {
        return await adapter.listModels(signal);
      } catch (e) {
        throw unreachableError(e, provider, baseUrl) ?? e;
      }
    },
  };
}
