import http from "node:http";
import type { AddressInfo } from "node:net";
import type {
  FaultTurn,
  HttpErrorTurn,
  RecordedRequest,
  ReplyTurn,
  Script,
  ScriptTurn,
  StreamErrorTurn,
} from "./script.js";

/** A running wire server. Start one per test (port 0) and close it in `afterEach`. */
export interface WireServer {
  /** What to pass to the SDK as its base URL (protocol-specific, e.g. `…/v1` for OpenAI). */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  /** Every request received, in order, including 404s and rejected auth. */
  readonly requests: RecordedRequest[];
  /** Number of requests answered from the script. */
  readonly served: number;
  /** Unconsumed turns of an array script (0 for function scripts). */
  readonly remaining: number;
  /** Appends turns to an array script. */
  push(...turns: ScriptTurn[]): void;
  lastRequest(): RecordedRequest | undefined;
  /** Stops listening and drops open (e.g. stalled) connections. */
  close(): Promise<void>;
}

export interface WireServerOptions {
  script: Script;
  /** When set, requests must carry this key (protocol's own header) or get a real-looking 401. */
  apiKey?: string;
  /**
   * The model ids the endpoint serves (its list-models answer). A request for a model not in the
   * list, or for any id in RETIRED_MODELS, gets the provider's real 404. Default: any model
   * except retired ones; the list endpoint then lists the catalog's current ids.
   */
  models?: string[];
  /**
   * Behave like today's reasoning models (default true): answers carry reasoning (thinking
   * blocks, reasoning items, signatures) and requests that drop it are rejected with the
   * provider's 400.
   */
  reasoning?: boolean;
  /** Requests with these keys get a 403 "no access to this model" (the key works for others). */
  deniedModels?: string[];
}

/**
 * Model ids the providers have shut down (as of 2026-12-02). The servers answer 404 for them,
 * like the real APIs do for retired models.
 */
export const RETIRED_MODELS: readonly string[] = [
  "claude-sonnet-4-5",
  "claude-sonnet-4-5-20250929",
  "claude-3-5-sonnet-20241022",
  "claude-3-7-sonnet-20250219",
  "gpt-5",
  "gpt-5-mini",
  "gpt-5-nano",
  "gpt-4o",
  "o3",
  "gemini-2.5-pro",
  "gemini-2.5-flash",
  "gemini-2.0-flash",
  "gemini-3-pro-preview",
  "anthropic/claude-sonnet-4.5",
  "openai/gpt-5",
  "google/gemini-2.5-pro",
];

/** A protocol-level refusal of a request (what the real API rejects), as status + provider error fields. */
export interface Rejection {
  status: number;
  message: string;
  errorType?: string;
  /** Replaces the whole error body (e.g. OpenRouter's wrapped upstream error). */
  body?: unknown;
}

/** One protocol's wire format, plugged into the shared server. */
export interface ProtocolDriver {
  /** Base path appended to the origin to form `baseUrl`. */
  readonly basePath: string;
  /** Route a request: undefined means 404. `body` is the parsed JSON body. */
  route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
  ): { model: string | undefined; stream: boolean } | undefined;
  /** The key the request carries, if any. */
  presentedKey(req: RecordedRequest): string | undefined;
  /** Provider-style error body for an HTTP status. */
  errorBody(status: number, message: string, errorType: string | undefined, turn?: HttpErrorTurn): unknown;
  writeReply(w: WireResponse, turn: ReplyTurn, req: RecordedRequest, turnIndex: number): Promise<void>;
  /** Starts an SSE stream and sends some text (used before resets, stalls and stream errors). */
  writePartial(w: WireResponse, text: string | undefined, req: RecordedRequest): Promise<void>;
  /** Sends a provider error event on an open stream. */
  writeStreamError(w: WireResponse, turn: StreamErrorTurn): Promise<void>;
  /** HTTP status used when a stream-error turn meets a non-streaming request. */
  streamErrorStatus(turn: StreamErrorTurn): number;
  /** Whether the request is the list-models endpoint. */
  isListModels?(method: string, path: string): boolean;
  /** The list-models answer for these ids. */
  listModelsBody?(ids: readonly string[]): unknown;
  /** The provider's 404 for an unknown or retired model. */
  modelNotFound?(model: string): Rejection;
  /** The provider's 403 for a key without access to the model. */
  modelDenied?(model: string): Rejection;
  /** What the real API rejects in this request (missing reasoning, dropped signatures…). */
  validate?(req: RecordedRequest, opts: { reasoning: boolean }): Rejection | undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Thin writer over a ServerResponse that knows JSON, SSE and connection resets. */
export class WireResponse {
  constructor(
    readonly res: http.ServerResponse,
    private readonly chunkDelayMs = 0,
  ) {}

  private get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (this.closed) return;
    const text = JSON.stringify(body);
    this.res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    this.res.end(text);
  }

  startSse(): void {
    if (this.closed || this.res.headersSent) return;
    this.res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
  }

  /** Writes one SSE event (`event:` line only when named). */
  async event(data: unknown, eventName?: string): Promise<void> {
    const payload = typeof data === "string" ? data : JSON.stringify(data);
    await this.raw(`${eventName ? `event: ${eventName}\n` : ""}data: ${payload}\n\n`);
  }

  async comment(text: string): Promise<void> {
    await this.raw(`: ${text}\n\n`);
  }

  async raw(chunk: string): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => this.res.write(chunk, () => resolve()));
    if (this.chunkDelayMs > 0) await sleep(this.chunkDelayMs);
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  /** Flushes what was written, then resets the TCP connection (client sees ECONNRESET / terminated). */
  async reset(): Promise<void> {
    // Give the client time to read the partial bytes, as a real mid-stream drop would.
    await sleep(30);
    const socket = this.res.socket;
    if (socket && !socket.destroyed) socket.resetAndDestroy();
  }
}

function headerRecord(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Starts a server on 127.0.0.1 (random port) speaking `driver`'s protocol. */
export async function startScriptedServer(driver: ProtocolDriver, options: WireServerOptions): Promise<WireServer> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptTurn[] = Array.isArray(options.script) ? [...options.script] : [];
  let served = 0;

  const nextTurn = async (req: RecordedRequest, index: number): Promise<ScriptTurn | undefined> => {
    if (typeof options.script === "function") return options.script(req, index);
    return queue.shift();
  };

  const handle = async (incoming: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
    const rawBody = await readBody(incoming);
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const query = Object.fromEntries(url.searchParams.entries());
    const method = incoming.method ?? "GET";
    const listing = driver.isListModels?.(method, url.pathname) === true;
    const route = listing ? { model: undefined, stream: false } : driver.route(method, url.pathname, query, body);
    const recorded: RecordedRequest = {
      index: requests.length,
      method,
      path: url.pathname,
      query,
      headers: headerRecord(incoming.headers),
      rawBody,
      body,
      model: route?.model,
      stream: route?.stream ?? false,
      reasoning: options.reasoning !== false,
    };
    requests.push(recorded);
    const plain = new WireResponse(res);
    if (!route) {
      plain.json(404, driver.errorBody(404, `No route for ${method} ${url.pathname}`, undefined));
      return;
    }
    if (options.apiKey !== undefined && driver.presentedKey(recorded) !== options.apiKey) {
      plain.json(401, driver.errorBody(401, "invalid api key", undefined));
      return;
    }
    if (listing) {
      plain.json(200, driver.listModelsBody?.(options.models ?? DEFAULT_SERVED) ?? {});
      return;
    }
    const model = recorded.model;
    if (model !== undefined && driver.modelNotFound) {
      // An explicit served list wins (a test may serve a deprecated model); otherwise retired ids are gone.
      const unknown = options.models ? !options.models.includes(model) : RETIRED_MODELS.includes(model);
      if (unknown) return reject(plain, driver, driver.modelNotFound(model));
    }
    if (model !== undefined && options.deniedModels?.includes(model) && driver.modelDenied)
      return reject(plain, driver, driver.modelDenied(model));
    const rejection = driver.validate?.(recorded, { reasoning: options.reasoning !== false });
    if (rejection) return reject(plain, driver, rejection);
    const turnIndex = served++;
    const turn = await nextTurn(recorded, turnIndex);
    if (!turn) {
      // 400 rather than 5xx: clients must not retry into an exhausted script.
      plain.json(400, driver.errorBody(400, `wire script exhausted at request ${turnIndex + 1}`, undefined));
      return;
    }
    if (turn.kind === "reply") {
      if (turn.delayMs) await sleep(turn.delayMs);
      await driver.writeReply(new WireResponse(res, turn.chunkDelayMs), turn, recorded, turnIndex);
      return;
    }
    await writeFault(driver, plain, turn, recorded);
  };

  const server = http.createServer((incoming, res) => {
    handle(incoming, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`wire server bug: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    baseUrl: `${origin}${driver.basePath}`,
    origin,
    port,
    requests,
    get served() {
      return served;
    },
    get remaining() {
      return queue.length;
    },
    push: (...turns) => {
      queue.push(...turns);
    },
    lastRequest: () => requests[requests.length - 1],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Served ids when a test names none: the catalogs' current models. */
const DEFAULT_SERVED = [
  "claude-sonnet-5-5",
  "claude-haiku-5-5",
  "claude-opus-5-5",
  "claude-fable-5-2",
  "gpt-5.6-terra",
  "gpt-5.6-sol",
  "gpt-5.6-luna",
  "gpt-6.2-sol",
  "gpt-6-luna",
  "gemini-3.8-flash",
  "gemini-3.5-flash-lite",
  "gemini-3.1-pro-preview",
  "anthropic/claude-sonnet-5.5",
  "anthropic/claude-haiku-5.5",
];

function reject(w: WireResponse, driver: ProtocolDriver, r: Rejection): void {
  w.json(r.status, r.body ?? driver.errorBody(r.status, r.message, r.errorType));
}

async function writeFault(
  driver: ProtocolDriver,
  w: WireResponse,
  turn: FaultTurn,
  req: RecordedRequest,
): Promise<void> {
  switch (turn.kind) {
    case "http-error": {
      const headers: Record<string, string> = {};
      if (turn.retryAfter !== undefined) headers["retry-after"] = turn.retryAfter;
      if (turn.retryAfterMs !== undefined) headers["retry-after-ms"] = String(turn.retryAfterMs);
      const body =
        turn.body ?? driver.errorBody(turn.status, turn.message ?? `scripted ${turn.status}`, turn.errorType, turn);
      w.json(turn.status, body, headers);
      return;
    }
    case "stream-error":
      if (!req.stream) {
        const status = driver.streamErrorStatus(turn);
        w.json(status, driver.errorBody(status, turn.message ?? "scripted stream error", turn.errorType));
        return;
      }
      await driver.writePartial(w, turn.partialText, req);
      await driver.writeStreamError(w, turn);
      w.end();
      return;
    case "reset":
      if (req.stream) await driver.writePartial(w, turn.partialText, req);
      await w.reset();
      return;
    case "malformed":
      if (req.stream) {
        await driver.writePartial(w, turn.partialText, req);
        await w.raw(
          'data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"na\n\n',
        );
      }
      w.end();
      return;
    case "stall":
      if (req.stream) await driver.writePartial(w, turn.partialText, req);
      // Left open on purpose: close() drops the connection.
      return;
  }
}
