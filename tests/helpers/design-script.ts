import type { ProtocolId } from "../../src/llm/types.js";
import {
  startAnthropicServer,
  startGeminiServer,
  startOpenAiResponsesServer,
  startOpenAiServer,
  toolReply,
  type ReplyTurn,
  type WireServer,
  type WireServerOptions,
} from "./wire/index.js";

/**
 * The scripted "model" of the end-to-end tests, and per-protocol readers for what the CLI sent
 * back. The part: a 40×30×10 plate with a Ø10 through hole in the middle, built from declared
 * parameters, so its volume is known by hand: 40·30·10 − π·5²·10.
 */

export const PLATE_VOLUME = 40 * 30 * 10 - Math.PI * 5 * 5 * 10;

export interface ProviderCase {
  id: "anthropic" | "openai" | "gemini" | "openrouter";
  protocol: ProtocolId;
  keyVar: string;
  baseUrlVar: string;
  start(opts: WireServerOptions): Promise<WireServer>;
}

export const PROVIDER_CASES: ProviderCase[] = [
  {
    id: "anthropic",
    protocol: "anthropic",
    keyVar: "ANTHROPIC_API_KEY",
    baseUrlVar: "ANTHROPIC_BASE_URL",
    start: startAnthropicServer,
  },
  {
    id: "openai",
    protocol: "openai-responses",
    keyVar: "OPENAI_API_KEY",
    baseUrlVar: "OPENAI_BASE_URL",
    start: startOpenAiResponsesServer,
  },
  {
    id: "gemini",
    protocol: "gemini",
    keyVar: "GEMINI_API_KEY",
    baseUrlVar: "GEMINI_BASE_URL",
    start: startGeminiServer,
  },
  {
    id: "openrouter",
    protocol: "openai-chat",
    keyVar: "OPENROUTER_API_KEY",
    baseUrlVar: "OPENROUTER_BASE_URL",
    start: (o) => startOpenAiServer({ ...o, variant: "openrouter" }),
  },
];

export const parametersTurn = (): ReplyTurn =>
  toolReply(
    [
      ["set_parameter", { name: "width", value: 40, description: "plate length along x" }],
      ["set_parameter", { name: "depth", value: 30 }],
      ["set_parameter", { name: "thickness", value: 10 }],
      ["set_parameter", { name: "hole_d", value: 10 }],
    ],
    {
      text: "Plan: a plate, then a through hole in its centre. Declaring the parameters first.",
      usage: { input: 2000, output: 120 },
    },
  );

export const boxAndToolTurn = (): ReplyTurn =>
  toolReply(
    [
      ["create_box", { name: "plate", length: "width", width: "depth", height: "thickness" }],
      [
        "create_cylinder",
        { name: "hole", radius: "hole_d/2", height: "thickness + 2", position: ["width/2", "depth/2", -1] },
      ],
    ],
    { usage: { input: 2600, output: 90 } },
  );

export const cutTurn = (): ReplyTurn =>
  toolReply([["boolean", { name: "part", op: "cut", base: "plate", tools: ["hole"] }]], {
    usage: { input: 3000, output: 40 },
  });

export const finishTurn = (): ReplyTurn =>
  toolReply([["finish", { parts: ["part"], summary: "40 x 30 x 10 mm plate with a 10 mm through hole" }]], {
    text: "The plate checks out.",
    usage: { input: 3300, output: 60 },
  });

/** The answer to the self-check turn: the same finish again. */
export const confirmTurn = (): ReplyTurn =>
  toolReply([["finish", { parts: ["part"], summary: "40 x 30 x 10 mm plate with a 10 mm through hole (checked)" }]], {
    text: "Figures match the brief.",
    usage: { input: 5200, output: 30 },
  });

/** The whole design in four turns (runs with --no-review end here). */
export const plateScript = (): ReplyTurn[] => [parametersTurn(), boxAndToolTurn(), cutTurn(), finishTurn()];

/** One tool result as any protocol carries it back. */
export interface SentResult {
  /** Call id (Anthropic/OpenAI) or function name (Gemini). */
  ref: string;
  text: string;
  isError: boolean;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The tool results in a request body (the ones answering the previous assistant turn). */
export function sentResults(protocol: ProtocolId, body: unknown): SentResult[] {
  const b = obj(body);
  if (protocol === "anthropic") {
    const lastUser = arr(b.messages)
      .map(obj)
      .filter((m) => m.role === "user")
      .at(-1);
    return arr(lastUser?.content)
      .map(obj)
      .filter((c) => c.type === "tool_result")
      .map((c) => ({
        ref: String(c.tool_use_id),
        text:
          typeof c.content === "string"
            ? c.content
            : arr(c.content)
                .map((p) => str(obj(p).text))
                .join(""),
        isError: c.is_error === true,
      }));
  }
  if (protocol === "openai-responses") {
    // function_call_output items after the last function_call; errors are prefixed like Chat Completions.
    const input = arr(b.input).map(obj);
    const lastCall = input.map((i) => i.type).lastIndexOf("function_call");
    return input
      .slice(lastCall + 1)
      .filter((i) => i.type === "function_call_output")
      .map((i) => {
        const text =
          typeof i.output === "string"
            ? i.output
            : arr(i.output)
                .map((p) => str(obj(p).text))
                .join("");
        const isError = text.startsWith("Error: ");
        return { ref: String(i.call_id), text: isError ? text.slice(7) : text, isError };
      });
  }
  if (protocol === "openai-chat") {
    const msgs = arr(b.messages).map(obj);
    const lastAssistant = msgs.map((m) => m.role).lastIndexOf("assistant");
    return msgs
      .slice(lastAssistant + 1)
      .filter((m) => m.role === "tool")
      .map((m) => {
        const text =
          typeof m.content === "string"
            ? m.content
            : arr(m.content)
                .map((p) => str(obj(p).text))
                .join("");
        // Chat Completions has no error flag: the adapter prefixes "Error: ".
        const isError = text.startsWith("Error: ");
        return { ref: String(m.tool_call_id), text: isError ? text.slice(7) : text, isError };
      });
  }
  const lastUser = arr(b.contents)
    .map(obj)
    .filter((c) => c.role === "user")
    .at(-1);
  return arr(lastUser?.parts)
    .map((p) => obj(obj(p).functionResponse))
    .filter((f) => f.name !== undefined)
    .map((f) => {
      const response = obj(f.response);
      const isError = response.error !== undefined;
      return { ref: String(f.name), text: String(isError ? response.error : response.output), isError };
    });
}

/** All text the user side sent in a request (to find the loop's notices). */
export function sentUserText(protocol: ProtocolId, body: unknown): string {
  const b = obj(body);
  if (protocol === "openai-responses") {
    return arr(b.input)
      .map(obj)
      .filter((i) => i.role === "user")
      .flatMap((i) => (typeof i.content === "string" ? [i.content] : arr(i.content).map((p) => str(obj(p).text))))
      .join("\n");
  }
  if (protocol === "gemini") {
    return arr(b.contents)
      .map(obj)
      .filter((c) => c.role === "user")
      .flatMap((c) => arr(c.parts).map((p) => str(obj(p).text)))
      .join("\n");
  }
  return arr(b.messages)
    .map(obj)
    .filter((m) => m.role === "user")
    .flatMap((m) => (typeof m.content === "string" ? [m.content] : arr(m.content).map((p) => str(obj(p).text))))
    .join("\n");
}

/** A base64 image the user side sent after the last assistant turn. */
export interface SentImage {
  mediaType: string;
  data: string;
}

/** The images in a request body after the last assistant turn, in each protocol's own form. */
export function sentImages(protocol: ProtocolId, body: unknown): SentImage[] {
  const b = obj(body);
  if (protocol === "anthropic") {
    // Inside the tool_result blocks of the last user message.
    const lastUser = arr(b.messages)
      .map(obj)
      .filter((m) => m.role === "user")
      .at(-1);
    return arr(lastUser?.content)
      .map(obj)
      .flatMap((c) => (c.type === "tool_result" ? arr(c.content).map(obj) : [c]))
      .filter((c) => c.type === "image")
      .map((c) => obj(c.source))
      .filter((s) => s.type === "base64")
      .map((s) => ({ mediaType: String(s.media_type), data: String(s.data) }));
  }
  if (protocol === "openai-responses") {
    // Inside the last function_call_output item, as input_image data URLs; on a first request
    // (an edit shows the part) inside the user message.
    const items = arr(b.input).map(obj);
    const outputs = items.filter((i) => i.type === "function_call_output");
    const holder = outputs.length ? outputs.slice(-1) : items.filter((i) => i.role === "user").slice(-1);
    return holder
      .flatMap((i) => arr(i.output ?? i.content).map(obj))
      .filter((p) => p.type === "input_image")
      .map((p) => /^data:([^;]+);base64,(.*)$/.exec(String(p.image_url)))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ mediaType: m[1] ?? "", data: m[2] ?? "" }));
  }
  if (protocol === "openai-chat") {
    // Tool messages carry text only: a user message after them carries the images as data URLs.
    const msgs = arr(b.messages).map(obj);
    const lastAssistant = msgs.map((m) => m.role).lastIndexOf("assistant");
    return msgs
      .slice(lastAssistant + 1)
      .filter((m) => m.role === "user")
      .flatMap((m) => arr(m.content).map(obj))
      .filter((p) => p.type === "image_url")
      .map((p) => /^data:([^;]+);base64,(.*)$/.exec(String(obj(p.image_url).url)))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ mediaType: m[1] ?? "", data: m[2] ?? "" }));
  }
  const lastUser = arr(b.contents)
    .map(obj)
    .filter((c) => c.role === "user")
    .at(-1);
  // Gemini 3: inside each functionResponse's parts (older shapes: loose inlineData parts).
  return arr(lastUser?.parts)
    .flatMap((p) => [obj(p), ...arr(obj(obj(p).functionResponse).parts).map(obj)])
    .map((p) => obj(p.inlineData))
    .filter((d) => d.data !== undefined)
    .map((d) => ({ mediaType: String(d.mimeType), data: String(d.data) }));
}

/** Width and height from a PNG's IHDR chunk; throws on anything that is not a PNG. */
export function pngSize(base64: string): { width: number; height: number } {
  const buf = Buffer.from(base64, "base64");
  if (buf.subarray(0, 8).toString("hex") !== "89504e470d0a1a0a") throw new Error("not a PNG");
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}
