/**
 * Ctrl-C and SIGTERM mean the same thing to every long command: stop, save what exists, exit
 * 130. A CI runner cancelling a job, `timeout`, and `kill` send SIGTERM, so handling only SIGINT
 * would leave those runs without a report. A second signal leaves at once.
 */
export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

/** Aborts `signal` on the first SIGINT or SIGTERM (after `notice`); exits 130 on the second. */
export function onInterrupt(notice?: () => void): Interrupt {
  const controller = new AbortController();
  const handler = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    notice?.();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose() {
      // Interrupted and still saving: a second signal must still mean "exit 130 now", not death by
      // signal. These go on before the handler comes off: with no listener left for an instant,
      // Node restores the default action, and a signal landing then kills the process.
      if (controller.signal.aborted) {
        process.once("SIGINT", () => process.exit(130));
        process.once("SIGTERM", () => process.exit(130));
      }
      process.removeListener("SIGINT", handler);
      process.removeListener("SIGTERM", handler);
    },
  };
}
