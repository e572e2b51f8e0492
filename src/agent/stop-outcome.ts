import { CadError } from "../cad/protocol.js";
import type { Provider } from "../llm/providers.js";
import { ProviderError } from "../llm/types.js";
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
      return { status: "error", exitCode: 3, error: providerErrorMessage(f.error, f.provider) };
  }
}

/** One line saying what went wrong with the provider and what to do about it. Never contains a key. */
export function providerErrorMessage(e: unknown, provider: Provider): string {
  if (!(e instanceof ProviderError)) return `${provider.name}: ${e instanceof Error ? e.message : String(e)}`;
  if (isPermanentNetworkFailure(e)) return e.message;
  const message = withoutProtocolId(e.message);
  const status = e.status !== undefined ? ` (HTTP ${e.status})` : "";
  const keyVars = provider.keyEnv.length ? `${provider.keyEnv.join(" or ")}, ` : "";
  switch (e.kind) {
    case "auth":
      return `${provider.name} rejected the API key${status}: ${message}. Check the key (${keyVars}\`cadagent keys set ${provider.id}\`, or api_keys.json) and that it is allowed to use this model.`;
    case "rate_limit":
    case "overloaded":
    case "server":
    case "network":
      return `${provider.name} kept failing after retries${status}: ${message}`;
    case "not_found":
      return `${provider.name}: not found${status}: ${message}. Check the model id (--model) and the endpoint (--base-url).`;
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
