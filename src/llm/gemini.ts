import { randomUUID } from "node:crypto";
import {
  FinishReason as GeminiFinish,
  FunctionCallingConfigMode,
  GoogleGenAI,
  ThinkingLevel,
  type Content,
  type GenerateContentConfig,
  type GenerateContentResponse,
  type Part,
} from "@google/genai";
import type { AdapterOptions } from "./adapter-options.js";
import { toProviderError } from "./errors.js";
import { idleGuarded, type IdleTimeout } from "./idle-timeout.js";
import {
  ProviderError,
  emptyUsage,
  type AssistantMessage,
  type ChatRequest,
  type ContentPart,
  type FinishReason,
  type Message,
  type ProtocolAdapter,
  type ProviderData,
  type StreamEvent,
  type TextPart,
  type ToolCall,
  type Usage,
} from "./types.js";

const FILTERED = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
]);
const MODES = {
  auto: FunctionCallingConfigMode.AUTO,
  required: FunctionCallingConfigMode.ANY,
  none: FunctionCallingConfigMode.NONE,
};

const THINKING_LEVELS = { low: ThinkingLevel.LOW, medium: ThinkingLevel.MEDIUM, high: ThinkingLevel.HIGH };

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
const textOf = (parts: ContentPart[]) =>
  parts
    .filter((p) => p.type === "text")
    .map((p) => p.text)
    .join("\n");

function userParts(parts: ContentPart[]): Part[] {
  return parts.map((p): Part =>
    p.type === "text" ? { text: p.text } : { inlineData: { mimeType: p.mediaType, data: p.data } },
  );
}

function modelParts(m: AssistantMessage): Part[] {
  const parts: Part[] = [];
  for (const t of m.content) {
    const signature = str(t.providerData?.thoughtSignature);
    // An empty text part is kept when it carries a signature: Gemini wants it back unchanged.
    if (t.text || signature) parts.push(signature ? { text: t.text, thoughtSignature: signature } : { text: t.text });
  }
  for (const c of m.toolCalls) {
    const args =
      typeof c.arguments === "object" && c.arguments !== null ? (c.arguments as Record<string, unknown>) : {};
    const geminiId = str(c.providerData?.geminiCallId);
    const part: Part = { functionCall: { name: c.name, args, ...(geminiId ? { id: geminiId } : {}) } };
    const signature = str(c.providerData?.thoughtSignature);
    if (signature) part.thoughtSignature = signature;
    parts.push(part);
  }
  return parts;
}

/** Neutral history → Gemini contents. Tool results and their images share one user turn; adjacent user turns merge. */
export function toGeminiContents(messages: Message[]): Content[] {
  const out: Content[] = [];
  // The assistant's calls tell us which Gemini-side ids (if any) to answer with.
  const geminiIds = new Map<string, string>();
  const push = (role: "user" | "model", parts: Part[]) => {
    if (!parts.length) return;
    const last = out[out.length - 1];
    if (last && last.role === role) last.parts = [...(last.parts ?? []), ...parts];
    else out.push({ role, parts });
  };
  for (const m of messages) {
    if (m.role === "user") push("user", userParts(m.content));
    else if (m.role === "assistant") {
      for (const c of m.toolCalls) {
        const id = str(c.providerData?.geminiCallId);
        if (id) geminiIds.set(c.id, id);
      }
      push("model", modelParts(m));
    } else {
      const parts: Part[] = [];
      for (const r of m.results) {
        const text = textOf(r.content);
        const id = geminiIds.get(r.callId);
        const pics = r.content.filter((p) => p.type === "image");
        // Gemini 3 takes a tool's images inside its functionResponse; each needs a unique displayName.
        const inline = pics.map((p, i) => ({
          inlineData: {
            mimeType: p.mediaType,
            data: p.data,
            displayName: `${r.callId}_${i}.${p.mediaType === "image/png" ? "png" : "jpg"}`,
          },
        }));
        parts.push({
          functionResponse: {
            name: r.name,
            response: r.isError ? { error: text } : { output: text },
            ...(id ? { id } : {}),
            ...(inline.length ? { parts: inline } : {}),
          },
        });
      }
      push("user", parts);
    }
  }
  return out;
}

export function toGeminiConfig(req: ChatRequest): GenerateContentConfig {
  const config: GenerateContentConfig = { maxOutputTokens: req.maxTokens };
  if (req.system) config.systemInstruction = req.system;
  if (req.temperature !== undefined) config.temperature = req.temperature;
  if (req.effort) config.thinkingConfig = { thinkingLevel: THINKING_LEVELS[req.effort] };
  if (req.tools.length) {
    config.tools = [
      {
        functionDeclarations: req.tools.map((t) => ({
          name: t.name,
          description: t.description,
          parametersJsonSchema: t.inputSchema,
        })),
      },
    ];
    config.toolConfig = { functionCallingConfig: { mode: MODES[req.toolChoice ?? "auto"] } };
  }
  return config;
}

function usageOf(meta: GenerateContentResponse["usageMetadata"]): Usage {
  const usage = emptyUsage();
  if (!meta) return usage;
  const cached = meta.cachedContentTokenCount ?? 0;
  usage.inputTokens = Math.max(0, (meta.promptTokenCount ?? 0) - cached);
  // Thinking tokens are billed as output.
  usage.outputTokens = (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
  usage.cacheReadTokens = cached;
  return usage;
}

function finishReasonOf(reason: string | undefined, hasCalls: boolean): FinishReason {
  if (reason === "STOP") return hasCalls ? "tool_calls" : "stop";
  if (reason === "MAX_TOKENS") return "length";
  if (reason && FILTERED.has(reason)) return "content_filter";
  return hasCalls ? "tool_calls" : "other";
}

/** Accumulates responses (one, or a stream of chunks) into events and the final message. */
class Assembler {
  private text = "";
  private textSignature: string | undefined;
  readonly calls: ToolCall[] = [];
  usage = emptyUsage();
  finishReason: string | undefined;
  blocked = false;
  private readonly idPrefix = `gc_${randomUUID().slice(0, 8)}`;

  *accept(res: GenerateContentResponse): Generator<StreamEvent> {
    if (res.usageMetadata) this.usage = usageOf(res.usageMetadata);
    if (res.promptFeedback?.blockReason && !res.candidates?.length) this.blocked = true;
    const cand = res.candidates?.[0];
    // Read parts directly: the SDK's `.text` getter warns on function-call responses.
    for (const part of cand?.content?.parts ?? []) {
      if (part.functionCall) {
        const providerData: ProviderData = {};
        if (part.thoughtSignature) providerData.thoughtSignature = part.thoughtSignature;
        if (part.functionCall.id) providerData.geminiCallId = part.functionCall.id;
        const call: ToolCall = {
          // Gemini has no call ids; the loop needs unique ones to pair results with calls.
          id: `${this.idPrefix}_${this.calls.length}`,
          name: part.functionCall.name ?? "",
          arguments: part.functionCall.args ?? {},
          ...(Object.keys(providerData).length ? { providerData } : {}),
        };
        this.calls.push(call);
        yield { type: "tool-call", call };
      } else if (typeof part.text === "string" && !part.thought) {
        if (part.thoughtSignature) this.textSignature = part.thoughtSignature;
        if (part.text) {
          this.text += part.text;
          yield { type: "text-delta", text: part.text };
        }
      } else if (part.thoughtSignature) {
        this.textSignature = part.thoughtSignature;
      }
    }
    if (cand?.finishReason) this.finishReason = cand.finishReason;
    // The model wrote a call Gemini could not parse: nothing usable came back, so the turn is asked again.
    if (cand?.finishReason === GeminiFinish.MALFORMED_FUNCTION_CALL) {
      throw new ProviderError("malformed", "gemini: MALFORMED_FUNCTION_CALL: the model's function call was invalid");
    }
  }

  *finish(): Generator<StreamEvent> {
    const content: TextPart[] = [];
    if (this.text || this.textSignature) {
      content.push(
        this.textSignature
          ? { type: "text", text: this.text, providerData: { thoughtSignature: this.textSignature } }
          : { type: "text", text: this.text },
      );
    }
    const reason = this.blocked ? "content_filter" : finishReasonOf(this.finishReason, this.calls.length > 0);
    yield { type: "usage", usage: this.usage };
    yield { type: "finish", reason, message: { role: "assistant", content, toolCalls: this.calls } };
  }
}

/**
 * Gemini adapter over `@google/genai`. No `retryOptions` is given, so the SDK makes one
 * attempt per request. `timeoutMs` is enforced as an idle timeout here rather than passed to
 * the SDK, whose timeout would cut off a long but healthy stream. Automatic continuation stays
 * on: it resumes a long answer from a server checkpoint, which never repeats work the way a
 * retry would.
 */
export function createGeminiAdapter(opts: AdapterOptions): ProtocolAdapter {
  const ai = new GoogleGenAI({
    apiKey: opts.apiKey,
    vertexai: false,
    httpOptions: {
      baseUrl: opts.baseUrl,
      ...(opts.headers ? { headers: opts.headers } : {}),
    },
  });
  return {
    protocol: "gemini",
    stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
      // The SDK's errors carry no headers; capture them to honour retry-after.
      let lastHeaders: Headers | undefined;
      const capture = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
        const res = await fetch(input, init);
        lastHeaders = res.headers;
        return res;
      };
      const mapError = (err: unknown): ProviderError =>
        toProviderError(err, {
          protocol: "gemini",
          apiKey: opts.apiKey,
          signal,
          ...(lastHeaders ? { headers: lastHeaders } : {}),
        });
      return idleGuarded("gemini", signal, opts.timeoutMs, (idle) => run(request, idle, capture), mapError);
    },
    async listModels(signal?: AbortSignal): Promise<string[]> {
      try {
        const ids: string[] = [];
        const pager = await ai.models.list({ config: { pageSize: 100, ...(signal ? { abortSignal: signal } : {}) } });
        for await (const m of pager) if (m.name) ids.push(m.name.replace(/^models\//, ""));
        return ids;
      } catch (err) {
        throw toProviderError(err, { protocol: "gemini", apiKey: opts.apiKey, ...(signal ? { signal } : {}) });
      }
    },
  };

  async function* run(request: ChatRequest, idle: IdleTimeout, capture: typeof fetch): AsyncGenerator<StreamEvent> {
    const params = {
      model: request.model,
      contents: toGeminiContents(request.messages),
      config: { ...toGeminiConfig(request), abortSignal: idle.signal, httpOptions: { fetch: capture } },
    };
    const asm = new Assembler();
    const events: StreamEvent[] = [];
    if (opts.stream === false) {
      events.push(...asm.accept(await ai.models.generateContent(params)));
    } else {
      for await (const chunk of await ai.models.generateContentStream(params)) {
        idle.touch();
        yield* asm.accept(chunk);
      }
      // Without a finishReason the stream was cut: a truncated turn must not pass as complete.
      if (!asm.finishReason && !asm.blocked) {
        throw new ProviderError("network", "gemini: network error: stream ended without finishReason");
      }
    }
    yield* events;
    yield* asm.finish();
  }
}
