/**
 * Local fake LLM APIs that speak each protocol's real wire format (JSON and SSE) on
 * 127.0.0.1, driven by a script of turns. Typical use:
 *
 * ```ts
 * const server = await startAnthropicServer({ script: [toolReply([["make_box", { x: 1 }]]), textReply("done")] });
 * // …point the client at server.baseUrl…
 * expect(server.requests[1].body).toMatchObject({ messages: [...] });
 * await server.close();
 * ```
 *
 * Like today's APIs, the servers reason by default (thinking blocks, reasoning items, signatures,
 * `reasoning_details`) and reject a request that drops them, answer 404 for retired model ids
 * (RETIRED_MODELS) and serve `GET …/models`. `reasoning: false` gives a non-reasoning model.
 *
 * Turns: `textReply`, `toolReply` (`[name, args]` pairs or specs with `rawArguments` /
 * `thoughtSignature` / `id`), `reply` (text + calls + usage + finish), and faults `httpError`
 * (status, `retryAfter`, `retryAfterMs`, body), `streamError` (provider error event in a 200
 * stream), `resetMidStream` (TCP reset after some SSE bytes), `stall`. A script may also be a
 * function `(request, index) => turn`. End-to-end CLI tests point the provider's base URL at
 * `server.baseUrl` (e.g. `ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`, `GEMINI_BASE_URL`).
 */
export * from "./script.js";
export type { WireServer, WireServerOptions, ProtocolDriver, Rejection } from "./scripted-server.js";
export { startScriptedServer, WireResponse, RETIRED_MODELS } from "./scripted-server.js";
export { startOpenAiResponsesServer, openAiResponsesDriver } from "./openai-responses-server.js";
export { startAnthropicServer, anthropicDriver } from "./anthropic-server.js";
export { startOpenAiServer, openAiDriver, openRouterDriver } from "./openai-server.js";
export type { OpenAiServerOptions } from "./openai-server.js";
export { startGeminiServer, geminiDriver } from "./gemini-server.js";

import type { ProtocolId } from "../../../src/llm/types.js";
import type { WireServer, WireServerOptions } from "./scripted-server.js";
import { startAnthropicServer } from "./anthropic-server.js";
import { startOpenAiServer } from "./openai-server.js";
import { startOpenAiResponsesServer } from "./openai-responses-server.js";
import { startGeminiServer } from "./gemini-server.js";

/** Starts the fake server for a protocol (OpenAI variant unless `openrouter` is set). */
export function startWireServer(
  protocol: ProtocolId,
  options: WireServerOptions & { variant?: "openai" | "openrouter" },
): Promise<WireServer> {
  switch (protocol) {
    case "anthropic":
      return startAnthropicServer(options);
    case "openai-responses":
      return startOpenAiResponsesServer(options);
    case "openai-chat":
      return startOpenAiServer(options);
    case "gemini":
      return startGeminiServer(options);
  }
}
