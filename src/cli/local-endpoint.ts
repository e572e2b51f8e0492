import net from "node:net";

/**
 * Whether something listens at a local provider's endpoint (Ollama's :11434). A TCP connect
 * only: it costs milliseconds, sends no request, and is enough to tell "not started" apart
 * from "running". Undefined for endpoints this does not probe (non-http URLs).
 */
export function endpointListens(url: string, timeoutMs = 1_500): Promise<boolean | undefined> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve(undefined);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return Promise.resolve(undefined);
  const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
