import type { Provider } from "../llm/providers.js";
import { createAdapter } from "../llm/create-adapter.js";
import type { ProtocolAdapter } from "../llm/types.js";

/** Per-request inactivity limit: generous, because a model may think for a while before its first token. */
export const REQUEST_IDLE_TIMEOUT_MS = 180_000;

/**
 * The adapter a command uses for one provider: the catalog's headers, prompt caching where the
 * protocol has it, streaming unless CADAGENT_STREAM=0 (undocumented: JSON endpoints, for
 * servers without SSE and for tests).
 */
export function providerAdapter(
  provider: Provider,
  baseUrl: string,
  apiKey: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ProtocolAdapter {
  return createAdapter({
    protocol: provider.protocol,
    baseUrl,
    apiKey: apiKey ?? "",
    headers: provider.headers,
    ...(provider.dialect ? { dialect: provider.dialect } : {}),
    // Chat Completions gateways decide per model (OpenRouter marks anthropic/* models).
    ...(provider.protocol === "anthropic" ? { promptCaching: true } : {}),
    timeoutMs: REQUEST_IDLE_TIMEOUT_MS,
    stream: env.CADAGENT_STREAM !== "0",
  });
}
