import type { Provider } from "./providers.js";
import { ProviderError } from "./types.js";

/**
 * Network failures that no amount of waiting fixes. Connection refused on this machine means
 * nothing listens there (Ollama not started, wrong port); a name that does not resolve is a typo;
 * a port on fetch's blocked list never connects. Retrying those cost a user a minute of back-off
 * before the same error, so they fail at once with the URL, the cause and the fix. Refused
 * connections to other hosts stay transient: a remote server restarting refuses for a moment.
 */

export interface NetworkFailure {
  /** ECONNREFUSED, ENOTFOUND, EAI_AGAIN or "bad port". */
  code: string;
  /** What a user reads: "connection refused (ECONNREFUSED)". */
  cause: string;
}

/** Set on the ProviderError that `unreachableError` builds, so retry and the report can tell it apart. */
const PERMANENT = Symbol("cadagent.permanentNetworkFailure");

type Bag = Record<string, unknown>;
const bag = (v: unknown): Bag | undefined => (typeof v === "object" && v !== null ? (v as Bag) : undefined);

/** Codes anywhere in the cause chain (undici hides the socket error two or three levels down). */
function chainFacts(err: unknown): { codes: Set<string>; messages: string[] } {
  const codes = new Set<string>();
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): void => {
    const b = bag(e);
    if (!b || depth > 8 || seen.has(e)) return;
    seen.add(e);
    if (typeof b.code === "string") codes.add(b.code);
    if (typeof b.message === "string") messages.push(b.message);
    if (Array.isArray(b.errors)) for (const inner of b.errors) visit(inner, depth + 1);
    visit(b.cause, depth + 1);
  };
  visit(err, 0);
  return { codes, messages };
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || /^127\./.test(h) || h === "::1" || h === "0.0.0.0";
}

/** The permanent failure behind `err` when it is one, for a request to `url`; otherwise undefined. */
export function classifyNetworkFailure(err: unknown, url: string): NetworkFailure | undefined {
  if (err instanceof ProviderError && err.kind !== "network") return undefined;
  const { codes, messages } = chainFacts(err);
  if (messages.some((m) => /^bad port$/i.test(m.trim())))
    return { code: "bad port", cause: "the port is one fetch refuses to use (bad port)" };
  if (codes.has("ENOTFOUND")) return { code: "ENOTFOUND", cause: "the host name does not resolve (ENOTFOUND)" };
  if (codes.has("ECONNREFUSED")) {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return undefined;
    }
    if (isLoopbackHost(host))
      return { code: "ECONNREFUSED", cause: "connection refused (ECONNREFUSED): nothing is listening there" };
  }
  return undefined;
}

/** What to do about it, in the user's terms. */
export function networkFix(failure: NetworkFailure, provider: Provider, url: string): string {
  const where = ["--base-url", ...provider.baseUrlEnv].join(" or ");
  const ollama = provider.id === "ollama" || /:11434(\/|$)/.test(url);
  switch (failure.code) {
    case "ECONNREFUSED":
      return ollama
        ? `Is Ollama running? Start it with \`ollama serve\`, or check ${where}.`
        : `Is the server running on that port? Start it, or check ${where}.`;
    case "ENOTFOUND":
      return `Check the host name in ${where}, and the network or DNS.`;
    default:
      return `Use another port in ${where}.`;
  }
}

/** A non-retryable ProviderError naming the URL, the cause and the fix; its cause is the original error. */
export function unreachableError(err: unknown, provider: Provider, url: string): ProviderError | undefined {
  const failure = classifyNetworkFailure(err, url);
  if (!failure) return undefined;
  const e = new ProviderError(
    "network",
    `cannot reach ${provider.name} at ${url}: ${failure.cause}. ${networkFix(failure, provider, url)}`,
    { cause: err },
  );
  Object.defineProperty(e, PERMANENT, { value: true });
  return e;
}

/** True for the errors `unreachableError` builds: retrying them cannot help. */
export function isPermanentNetworkFailure(err: unknown): boolean {
  return err instanceof ProviderError && (err as unknown as Record<symbol, unknown>)[PERMANENT] === true;
}

/** Socket-level failures: the endpoint could not be reached or dropped the connection. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/**
 * True when `err` failed to reach the endpoint (refused, reset, unresolvable, dropped), as
 * opposed to a server that answered slowly or went silent mid-answer (a timeout), which is not
 * "unreachable".
 */
export function isConnectionFailure(err: unknown): boolean {
  const { codes, messages } = chainFacts(err);
  if (messages.some((m) => /timed out|no data from the server/i.test(m))) return false;
  return [...codes].some((c) => CONNECTION_CODES.has(c)) || messages.some((m) => /^bad port$/i.test(m.trim()));
}

/** Provider messages start with the internal protocol id ("openai-chat: …"): users never chose that name. */
export function withoutProtocolId(message: string): string {
  return message.replace(/^(anthropic|openai-chat|openai-responses|gemini):\s*/, "");
}
