import { CadError } from "../cad/protocol.js";
import type { Provider } from "../llm/providers.js";
import { ProviderError, type ProtocolAdapter } from "../llm/types.js";
import { isConnectionFailure, isPermanentNetworkFailure, withoutProtocolId } from "../llm/network-failure.js";
import type { StopReason } from "./events.js";
import type { RunStatus } from "./report.js";

/**
 * How a loop that did not end in a successful `finish` maps onto report.json's status and the
 * exit code (CLI.md "Exit codes"), with a message a user can act on.
 */
export interface StopOutcome {
  status: RunStatus;
  exitCode: number;
  error: string;
}

export interface StopFacts {
  reason: Exclude<StopReason, "finished">;
  error: unknown;
  provider: Provider;
  maxTurns: number;
  budgetUsd: number | undefined;
  timeoutMs: number | undefined;
  /** The model the run asked for. */
  model?: string;
  /** What the provider's list-models endpoint serves now, when it was asked (after a 404). */
  served?: readonly string[];
}

export function stopOutcome(f: StopFacts): StopOutcome {
  switch (f.reason) {
    case "gave-up":
      return {
        status: "failed",
        exitCode: 1,
        error: "the model stopped without calling finish (no part was delivered)",
      };
    case "max-turns":
      return {
        status: "failed",
        exitCode: 1,
        error: `reached the turn limit (${f.maxTurns}) before the model called finish; raise it with --max-turns`,
      };
    case "budget":
      return {
        status: "failed",
        exitCode: 1,
        error: `stopped before exceeding the cost budget ($${f.budgetUsd ?? 0}); raise it with --budget`,
      };
    case "repeated-calls":
      return {
        status: "failed",
        exitCode: 1,
        error: "stopped: the model repeated the same tool call 3 times in a row",
      };
    case "deadline": {
      // Waiting on a provider that never answered is the provider's failure, not the design's.
      const waitingFor = unreachableCause(f.error);
      if (waitingFor)
        return {
          status: "error",
          exitCode: 3,
          error: `the run hit its deadline (${Math.round((f.timeoutMs ?? 0) / 1000)} s, --timeout) while ${f.provider.name} was unreachable: ${withoutProtocolId(waitingFor.message)}`,
        };
      return {
        status: "failed",
        exitCode: 1,
        error: `the run hit its deadline (${Math.round((f.timeoutMs ?? 0) / 1000)} s, --timeout)`,
      };
    }
    case "interrupted":
      return { status: "interrupted", exitCode: 130, error: "interrupted" };
    case "cad-unavailable":
      return {
        status: "error",
        exitCode: 4,
        error: `FreeCAD unavailable: ${f.error instanceof Error ? f.error.message : String(f.error)}`,
      };
    case "provider-error":
      return { status: "error", exitCode: 3, error: providerErrorMessage(f.error, f.provider, f.model, f.served) };
    case "refused":
      return {
        status: "failed",
        exitCode: 1,
        error: `the model refused the brief (${f.error instanceof Error ? f.error.message : "no reason given"}); rephrase the brief or try another model`,
      };
    case "truncated":
      return {
        status: "failed",
        exitCode: 1,
        error:
          "a tool call was cut off by the output token limit twice (it was never run); try a model with a larger output limit or a simpler brief",
      };
    case "context-full":
      return { status: "failed", exitCode: 1, error: contextFullMessage(f) };
  }
}

/** Ollama's context default (4k below 24 GiB of VRAM) is smaller than cadagent's first request. */
export const OLLAMA_CONTEXT_HINT =
  "start Ollama with a larger context, e.g. `OLLAMA_CONTEXT_LENGTH=32768 ollama serve` (at least 32768; Ollama recommends 64000 for agents)";

function contextFullMessage(f: StopFacts): string {
  const local = f.provider.id === "ollama" || !f.provider.keyRequired;
  if (local)
    return `the model's context window filled up: the reply was cut off almost at once; ${OLLAMA_CONTEXT_HINT}`;
  return "the conversation no longer fits the model's context window; use a model with a larger context or a shorter brief";
}

/** A model the provider serves to suggest instead of `model`: the catalog default if served, else the closest id. */
export function servedAlternative(
  provider: Provider,
  model: string | undefined,
  served: readonly string[],
): string | undefined {
  if (!served.length) return undefined;
  const preferred = [provider.defaultModel, ...provider.models.map((m) => m.id)].find(
    (id) => id !== model && served.includes(id),
  );
  if (preferred) return preferred;
  const prefix = (model ?? "").split(/[-/.:]/)[0] ?? "";
  return served.find((id) => prefix && id.startsWith(prefix) && id !== model) ?? served[0];
}

/** One line saying what went wrong with the provider and what to do about it. Never contains a key. */
export function providerErrorMessage(
  e: unknown,
  provider: Provider,
  model?: string,
  served?: readonly string[],
): string {
  if (!(e instanceof ProviderError)) return `${provider.name}: ${e instanceof Error ? e.message : String(e)}`;
  if (isPermanentNetworkFailure(e)) return e.message;
  const message = withoutProtocolId(e.message);
  const status = e.status !== undefined ? ` (HTTP ${e.status})` : "";
  const keyVars = provider.keyEnv.length ? `${provider.keyEnv.join(" or ")}, ` : "";
  switch (e.kind) {
    case "auth":
      return `${provider.name} rejected the API key${status}${model ? ` for model '${model}'` : ""}: ${message}. Check the key (${keyVars}\`cadagent keys set ${provider.id}\`, or api_keys.json) and that it is allowed to use this model.`;
    case "rate_limit":
    case "overloaded":
    case "server":
    case "network":
      return `${provider.name} kept failing after retries${status}: ${message}`;
    case "not_found": {
      const alt = served ? servedAlternative(provider, model, served) : undefined;
      const named = model ? `model '${model}' is not served` : "not found";
      const suggestion = alt
        ? ` ${provider.name} serves e.g. '${alt}' (--model ${alt}); \`cadagent providers --check\` lists what your key can use.`
        : " Check the model id (--model) and the endpoint (--base-url); `cadagent providers --check` lists the served models.";
      return `${provider.name}: ${named}${status}: ${message}.${suggestion}`;
    }
    case "bad_request":
      return `${provider.name} refused the request${status}: ${message}`;
    default:
      return `${provider.name}${status}: ${message}`;
  }
}

/** The network failure a run was still retrying when its deadline came, if any. */
function unreachableCause(e: unknown): ProviderError | undefined {
  const last = e instanceof ProviderError && e.kind === "aborted" ? e.cause : e;
  return last instanceof ProviderError && last.kind === "network" && isConnectionFailure(last) ? last : undefined;
}

/** True when an error means the FreeCAD backend is gone for good. */
export function isCadFatal(e: unknown): boolean {
  return e instanceof CadError && e.fatal;
}

/** After a 404 (model not found), what the endpoint serves, so the message can name a model that works. */
export async function servedModels(
  adapter: ProtocolAdapter,
  error: unknown,
  interrupt: AbortSignal,
): Promise<string[] | undefined> {
  if (!(error instanceof ProviderError) || error.kind !== "not_found" || !adapter.listModels) return undefined;
  try {
    return await adapter.listModels(AbortSignal.any([interrupt, AbortSignal.timeout(15_000)]));
  } catch {
    return undefined;
  }
}
