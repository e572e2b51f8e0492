import type {
  AssistantMessage,
  ChatRequest,
  FinishReason,
  StreamEvent,
  ToolCall,
  ToolSpec,
  Usage,
} from "../../../src/llm/types.js";
import { ProviderError } from "../../../src/llm/types.js";

/** Everything one adapter stream produced, pre-digested for assertions. */
export interface Collected {
  events: StreamEvent[];
  text: string;
  calls: ToolCall[];
  usage: Usage | undefined;
  reason: FinishReason | undefined;
  message: AssistantMessage | undefined;
  notices: string[];
  /** The finish event's detail (e.g. a refusal's reason). */
  detail?: string;
}

/** Drains a stream; throws whatever the adapter throws. */
export async function collect(stream: AsyncIterable<StreamEvent>): Promise<Collected> {
  const out: Collected = {
    events: [],
    text: "",
    calls: [],
    usage: undefined,
    reason: undefined,
    message: undefined,
    notices: [],
  };
  for await (const ev of stream) {
    out.events.push(ev);
    if (ev.type === "text-delta") out.text += ev.text;
    else if (ev.type === "tool-call") out.calls.push(ev.call);
    else if (ev.type === "usage") out.usage = ev.usage;
    else if (ev.type === "notice") out.notices.push(ev.message);
    else {
      out.reason = ev.reason;
      out.message = ev.message;
      if (ev.detail) out.detail = ev.detail;
    }
  }
  return out;
}

/** Drains a stream that must fail, returning the ProviderError (fails the test otherwise). */
export async function collectError(stream: AsyncIterable<StreamEvent>): Promise<ProviderError> {
  try {
    await collect(stream);
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw new Error(`expected a ProviderError, got ${String(err)}`, { cause: err });
  }
  throw new Error("expected the stream to fail, but it completed");
}

export const sampleTools: ToolSpec[] = [
  {
    name: "make_box",
    description: "Create a box",
    inputSchema: {
      type: "object",
      properties: { length: { type: "number" }, width: { type: "number" } },
      required: ["length"],
    },
  },
  {
    name: "render_preview",
    description: "Render a PNG preview",
    inputSchema: { type: "object", properties: {} },
  },
];

/** A small request with a system prompt, one user brief and the sample tools. */
export function sampleRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: "test-model",
    system: "You are a CAD agent.",
    messages: [{ role: "user", content: [{ type: "text", text: "Design a 20 mm cube." }] }],
    tools: sampleTools,
    maxTokens: 1024,
    ...overrides,
  };
}

/** 1×1 transparent PNG, base64. */
export const TINY_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/** Result spec for `followUpRequest`: text, error flag, optional PNG. */
export interface ResultSpec {
  text: string;
  isError?: boolean;
  image?: boolean;
}

/**
 * The request of the next turn: the brief, the assistant message the adapter assembled,
 * and one tool result per call (in call order) built from `results`.
 */
export function followUpRequest(
  first: Collected,
  results: ResultSpec[],
  overrides: Partial<ChatRequest> = {},
): ChatRequest {
  const base = sampleRequest(overrides);
  if (!first.message) throw new Error("first turn did not finish");
  return {
    ...base,
    messages: [
      ...base.messages,
      first.message,
      {
        role: "tool",
        results: first.calls.map((call, i) => {
          const spec = results[i] ?? { text: "ok" };
          return {
            callId: call.id,
            name: call.name,
            isError: spec.isError ?? false,
            content: [
              { type: "text" as const, text: spec.text },
              ...(spec.image ? [{ type: "image" as const, mediaType: "image/png" as const, data: TINY_PNG }] : []),
            ],
          };
        }),
      },
    ],
  };
}
