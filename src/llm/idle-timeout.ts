import { ProviderError, type ChatRequest, type ProtocolAdapter, type ProtocolId, type StreamEvent } from "./types.js";

/**
 * An inactivity deadline for one request. SDK timeouts stop at the response headers
 * (Anthropic, OpenAI) or bound the whole stream (Gemini); neither catches an SSE stream
 * that goes silent, nor lets a long but lively answer finish. This aborts only when no
 * data arrived for `ms`, and is paused while the consumer holds an event.
 */
export class IdleTimeout {
  private readonly ctrl = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private firedFlag = false;
  private readonly onCallerAbort = () => this.ctrl.abort(this.caller.reason);

  constructor(
    private readonly caller: AbortSignal,
    private readonly ms: number | undefined,
  ) {
    if (caller.aborted) this.ctrl.abort(caller.reason);
    else caller.addEventListener("abort", this.onCallerAbort, { once: true });
    this.touch();
  }

  /** Pass this to the SDK: it aborts on the caller's abort or on inactivity. */
  get signal(): AbortSignal {
    return this.ctrl.signal;
  }

  /** Data arrived: restart the countdown. */
  touch(): void {
    this.pause();
    if (!this.ms || this.ctrl.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.firedFlag = true;
      this.ctrl.abort(new Error(`no data for ${this.ms} ms`));
    }, this.ms);
    // A pending deadline must not keep the process alive on its own.
    this.timer.unref();
  }

  /** The consumer is busy with an event; its time is not the provider's silence. */
  pause(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The error to throw when the deadline (not the caller) ended the request, else undefined. */
  timeoutError(protocol: ProtocolId, cause: unknown): ProviderError | undefined {
    if (!this.firedFlag || this.caller.aborted) return undefined;
    return new ProviderError("network", `${protocol}: network error: no data from the server for ${this.ms} ms`, {
      cause,
    });
  }

  dispose(): void {
    this.pause();
    this.caller.removeEventListener("abort", this.onCallerAbort);
  }
}

/**
 * One request of an adapter under an IdleTimeout: the deadline is paused while the consumer
 * holds each event, and every failure leaves as a ProviderError — the idle deadline's own, or
 * the SDK's error as `mapError` translates it.
 */
export async function* idleGuarded(
  protocol: ProtocolId,
  signal: AbortSignal,
  timeoutMs: number | undefined,
  run: (idle: IdleTimeout) => AsyncIterable<StreamEvent>,
  mapError: (err: unknown) => ProviderError,
): AsyncGenerator<StreamEvent> {
  const idle = new IdleTimeout(signal, timeoutMs);
  try {
    for await (const ev of run(idle)) {
      idle.pause();
      yield ev;
      idle.touch();
    }
  } catch (err) {
    throw idle.timeoutError(protocol, err) ?? mapError(err);
  } finally {
    idle.dispose();
  }
}

/**
 * The adapter every SDK-backed protocol returns: requests streamed under an IdleTimeout, and the
 * served models listed through the same error translation.
 */
export function guardedAdapter(o: {
  protocol: ProtocolId;
  timeoutMs: number | undefined;
  run: (request: ChatRequest, idle: IdleTimeout) => AsyncIterable<StreamEvent>;
  mapError: (err: unknown, signal?: AbortSignal) => ProviderError;
  /** The served model ids, as the SDK pages them. */
  models: (signal?: AbortSignal) => AsyncIterable<string>;
}): ProtocolAdapter {
  return {
    protocol: o.protocol,
    stream: (request, signal) =>
      idleGuarded(
        o.protocol,
        signal,
        o.timeoutMs,
        (idle) => o.run(request, idle),
        (err) => o.mapError(err, signal),
      ),
    async listModels(signal) {
      try {
        const ids: string[] = [];
        for await (const id of o.models(signal)) ids.push(id);
        return ids;
      } catch (err) {
        throw o.mapError(err, signal);
      }
    },
  };
}
