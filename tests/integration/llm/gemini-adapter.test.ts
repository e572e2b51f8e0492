import { afterEach, describe, expect, it, vi } from "vitest";
import type { AdapterOptions } from "../../../src/llm/adapter-options.js";
import { createGeminiAdapter } from "../../../src/llm/gemini.js";
import { TINY_PNG, collect, collectError, followUpRequest, sampleRequest } from "../../helpers/wire/adapter-harness.js";
import {
  httpError,
  startGeminiServer,
  streamError,
  textReply,
  toolReply,
  type Script,
  type WireServer,
} from "../../helpers/wire/index.js";

type Body = {
  contents: Array<{ role: string; parts: Array<Record<string, unknown>> }>;
  toolConfig?: { functionCallingConfig?: { mode?: string } };
  tools?: Array<{ functionDeclarations: Array<Record<string, unknown>> }>;
  systemInstruction?: unknown;
};

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.restoreAllMocks();
});

async function setup(script: Script, extra: Partial<AdapterOptions> = {}) {
  server = await startGeminiServer({ script, apiKey: "AIza-test-key" });
  const adapter = createGeminiAdapter({
    protocol: "gemini",
    baseUrl: server.baseUrl,
    apiKey: "AIza-test-key",
    ...extra,
  });
  return { server, adapter };
}

const signal = () => new AbortController().signal;

describe.each([true, false])("gemini tool round trip (stream=%s)", (stream) => {
  it("echoes thoughtSignature on the model turn and answers with functionResponse + inlineData", async () => {
    const { server, adapter } = await setup(
      [
        toolReply(
          [
            { name: "make_box", args: { length: -1 }, thoughtSignature: "sig-A==" },
            { name: "render_preview", args: {} },
          ],
          { text: "Building." },
        ),
        textReply("Done."),
      ],
      { stream },
    );
    const first = await collect(adapter.stream(sampleRequest(), signal()));
    expect(first.calls[0]?.providerData).toEqual({ thoughtSignature: "sig-A==" });
    expect(first.calls[1]?.providerData).toBeUndefined();
    expect(first.calls[0]?.id).not.toBe(first.calls[1]?.id);
    const next = followUpRequest(first, [
      { text: "length must be > 0", isError: true },
      { text: "preview ok", image: true },
    ]);
    expect((await collect(adapter.stream(next, signal()))).text).toBe("Done.");

    const body = server.requests[1]?.body as Body;
    expect(body.contents).toHaveLength(3);
    expect(body.contents[1]).toEqual({
      role: "model",
      parts: [
        { text: "Building." },
        { functionCall: { name: "make_box", args: { length: -1 } }, thoughtSignature: "sig-A==" },
        { functionCall: { name: "render_preview", args: {} } },
      ],
    });
    expect(body.contents[2]).toEqual({
      role: "user",
      parts: [
        { functionResponse: { name: "make_box", response: { error: "length must be > 0" } } },
        // Gemini 3: the tool's picture rides inside its functionResponse.
        {
          functionResponse: {
            name: "render_preview",
            response: { output: "preview ok" },
            parts: [
              {
                inlineData: {
                  mimeType: "image/png",
                  data: TINY_PNG,
                  displayName: `${first.calls[1]?.id}_0.png`,
                },
              },
            ],
          },
        },
      ],
    });
  });

  it("keeps a text part's thoughtSignature (even on an empty part) and sends it back", async () => {
    const { server, adapter } = await setup(
      [textReply("Plan: a cube.", { textThoughtSignature: "sig-T" }), textReply("ok")],
      {
        stream,
      },
    );
    const first = await collect(adapter.stream(sampleRequest(), signal()));
    expect(first.text).toBe("Plan: a cube.");
    expect(first.message?.content).toEqual([
      { type: "text", text: "Plan: a cube.", providerData: { thoughtSignature: "sig-T" } },
    ]);
    const base = sampleRequest();
    const msgs = [
      ...base.messages,
      first.message!,
      { role: "user" as const, content: [{ type: "text" as const, text: "go on" }] },
    ];
    await collect(adapter.stream({ ...base, messages: msgs }, signal()));
    const body = server.requests[1]?.body as Body;
    expect(body.contents[1]).toEqual({ role: "model", parts: [{ text: "Plan: a cube.", thoughtSignature: "sig-T" }] });
  });
});

describe("gemini request shape", () => {
  it("declares tools with parametersJsonSchema and maps toolChoice", async () => {
    const { server, adapter } = await setup([textReply("a"), textReply("b"), textReply("c")]);
    for (const toolChoice of ["none", "required", "auto"] as const) {
      await collect(adapter.stream(sampleRequest({ toolChoice }), signal()));
    }
    const modes = server.requests.map((r) => (r.body as Body).toolConfig?.functionCallingConfig?.mode);
    expect(modes).toEqual(["NONE", "ANY", "AUTO"]);
    const decl = (server.requests[0]?.body as Body).tools?.[0]?.functionDeclarations[0];
    expect(decl).toMatchObject({ name: "make_box", parametersJsonSchema: { type: "object" } });
    expect(decl?.parameters).toBeUndefined();
    expect(server.requests[0]?.headers["x-goog-api-key"]).toBe("AIza-test-key");
  });

  it("echoes a Gemini-side call id in functionResponse when the model sent one", async () => {
    const { server, adapter } = await setup([
      toolReply([{ name: "make_box", args: { length: 1 }, id: "fc-77" }]),
      textReply("ok"),
    ]);
    const first = await collect(adapter.stream(sampleRequest(), signal()));
    await collect(adapter.stream(followUpRequest(first, [{ text: "made" }]), signal()));
    const body = server.requests[1]?.body as Body;
    expect(body.contents[1]?.parts[0]).toEqual({
      functionCall: { name: "make_box", args: { length: 1 }, id: "fc-77" },
      thoughtSignature: first.calls[0]?.providerData?.thoughtSignature,
    });
    expect(body.contents[2]?.parts[0]).toEqual({
      functionResponse: { name: "make_box", response: { output: "made" }, id: "fc-77" },
    });
  });

  it("synthesises ids that stay unique across turns", async () => {
    const { adapter } = await setup([
      toolReply([["make_box", { length: 1 }]]),
      toolReply([["make_box", { length: 2 }]]),
    ]);
    const a = await collect(adapter.stream(sampleRequest(), signal()));
    const b = await collect(adapter.stream(sampleRequest(), signal()));
    expect(a.calls[0]?.id).not.toBe(b.calls[0]?.id);
  });

  it("never reads .text on function-call responses (no SDK warning)", async () => {
    const warn = vi.spyOn(console, "warn");
    const { adapter } = await setup([toolReply([["make_box", { length: 1 }]], { text: "x" })], { stream: false });
    await collect(adapter.stream(sampleRequest(), signal()));
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("gemini errors", () => {
  it("429 RetryInfo.retryDelay in the body → retryAfterMs", async () => {
    const { adapter } = await setup([
      httpError(429, {
        body: {
          error: {
            code: 429,
            message: "Resource has been exhausted",
            status: "RESOURCE_EXHAUSTED",
            details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "12s" }],
          },
        },
      }),
    ]);
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: 12_000 });
  });

  it("a retry-after header is captured even though the SDK error has no headers", async () => {
    const date = new Date(Date.now() + 20_000).toUTCString();
    const { adapter } = await setup([httpError(503, { retryAfter: date })]);
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err.kind).toBe("server");
    expect(err.retryAfterMs).toBeGreaterThan(15_000);
  });

  it("an error chunk inside the SSE stream → overloaded", async () => {
    const { server, adapter } = await setup([streamError({ partialText: "Let" })]);
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err.kind).toBe("overloaded");
    expect(server.requests).toHaveLength(1);
  });

  it("a wrong key → auth, with the key redacted", async () => {
    server = await startGeminiServer({ script: [textReply("never")], apiKey: "the-right-key" });
    const adapter = createGeminiAdapter({ protocol: "gemini", baseUrl: server.baseUrl, apiKey: "AIza-wrong-key" });
    const err = await collectError(adapter.stream(sampleRequest(), signal()));
    expect(err.kind).toBe("auth");
    expect(err.message).not.toContain("AIza-wrong-key");
  });
});
