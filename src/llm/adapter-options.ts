import type { ProtocolId } from "./types.js";

/** What a protocol adapter needs to talk to one endpoint. */
export interface AdapterOptions {
  protocol: ProtocolId;
  /** Endpoint root as the SDK expects it (see providers/*.json). */
  baseUrl: string;
  /** May be empty for keyless local servers (Ollama). Never logged. */
  apiKey: string;
  /** Extra headers, e.g. OpenRouter attribution. */
  headers?: Record<string, string>;
  /**
   * Prompt-caching breakpoints: Anthropic (system prompt, catalog, newest and previous turn) and
   * Claude models behind OpenRouter. Undefined on a Chat Completions endpoint = automatic.
   */
  promptCaching?: boolean;
  /** Per-request timeout in ms (the agent also has a whole-run deadline). */
  timeoutMs?: number;
  /**
   * A Chat Completions gateway with its own extensions: "openrouter" gets `reasoning.effort`,
   * `cache_control` on anthropic/* models and its error metadata (default: from the host name).
   */
  dialect?: "openrouter";
  /** Streaming (SSE) is the default; false uses the JSON endpoints. */
  stream?: boolean;
}
