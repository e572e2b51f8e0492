import type { AdapterOptions } from "./adapter-options.js";
import type { ProtocolAdapter } from "./types.js";

/**
 * The adapter for `opts.protocol`; adding a protocol is one file plus one case here. Only that
 * protocol's module (and SDK) is loaded: an SDK takes ~0.3 s to load on a small machine, and a
 * batch on OpenRouter should not also load Anthropic's and Google's.
 */
export async function createAdapter(opts: AdapterOptions): Promise<ProtocolAdapter> {
  switch (opts.protocol) {
    case "anthropic":
      return (await import("./anthropic.js")).createAnthropicAdapter(opts);
    case "openai-responses":
      return (await import("./openai-responses.js")).createOpenAiResponsesAdapter(opts);
    case "openai-chat":
      return (await import("./openai-chat.js")).createOpenAiChatAdapter(opts);
    case "gemini":
      return (await import("./gemini.js")).createGeminiAdapter(opts);
  }
}
