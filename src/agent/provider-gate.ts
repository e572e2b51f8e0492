/**
 * Shared back-off per provider. Concurrent jobs (batch) talk to the same provider account:
 * when one gets a 429, every job pauses for that provider, instead of each discovering the
 * rate limit on its own and multiplying the load.
 */
export class ProviderGate {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds to wait before the next request to `provider` (0 when free). */
  delayFor(provider: string): number {
    return Math.max(0, (this.until.get(provider) ?? 0) - this.now());
  }

  /** Hold every request to `provider` for at least `ms` from now. */
  backoff(provider: string, ms: number): void {
    const t = this.now() + ms;
    if (t > (this.until.get(provider) ?? 0)) this.until.set(provider, t);
  }

  /** Wait until `provider` is free (abortable: rejects with the signal's reason). */
  async wait(provider: string, signal?: AbortSignal): Promise<void> {
    for (let d = this.delayFor(provider); d > 0; d = this.delayFor(provider)) {
      await new Promise<void>((resolve, reject) => {
        const reason = (): Error => (signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
        if (signal?.aborted) return reject(reason());
        const onAbort = (): void => {
          clearTimeout(t);
          reject(reason());
        };
        const t = setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, d);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
  }
}
