import type { AdapterOptions } from "./adapter-options.js";
import { createAnthropicAdapter } from "./anthropic.js";
import { createGeminiAdapter } from "./gemini.js";
import { createOpenAiChatAdapter } from "./openai-chat.js";
import { createOpenAiResponsesAdapter } from "./openai-responses.js";
import type { ProtocolAdapter } from "./types.js";

/** The adapter for `opts.protocol`; adding a protocol is one file plus one case here. */
export function createAdapter(opts: AdapterOptions): ProtocolAdapter {
  switch (opts.protocol) {
    case "anthropic":
      return createAnthropicAdapter(opts);
    case "openai-responses":
      return createOpenAiResponsesAdapter(opts);
    case "openai-chat":
      return createOpenAiChatAdapter(opts);
    case "gemini":
      return createGeminiAdapter(opts);
  }
}
