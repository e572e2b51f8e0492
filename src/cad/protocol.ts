/** The FreeCAD worker wire protocol (JSON lines). See worker/cadagent_worker/main.py. */
import type { ClientErrorCode, WorkerErrorCode } from "./error-codes.js";

export interface WorkerRequest {
  id: number;
  op: string;
  args: Record<string, unknown>;
}

export interface WorkerErrorBody {
  message: string;
  hint?: string | null;
  code?: WorkerErrorCode;
}

export type WorkerReply =
  | { id: number | null; ok: true; result: Record<string, unknown>; ms: number }
  | { id: number | null; ok: false; error: WorkerErrorBody; ms: number };

/**
 * One op of a `run_steps` request as the worker answered it (main.py): a line of its own with
 * the op's index in the batch, sent as soon as the op finishes, before the request's reply.
 */
export type StepReply =
  | { id: number | null; step: number; ok: true; result: Record<string, unknown>; ms: number }
  | { id: number | null; step: number; ok: false; error: WorkerErrorBody; ms: number };

/** The request that carries several ops; its reply's result is `{ran: n}`. */
export const STEPS_OP = "run_steps";

/** The timeout message of an op: one wording whether it ran alone or in a `run_steps` batch. */
export function noAnswer(op: string, timeoutMs: number): string {
  return `FreeCAD did not answer '${op}' within ${timeoutMs} ms`;
}

/** First line the worker writes: it is ready, and which ops mutate the document. */
export interface ReadyMessage {
  id: 0;
  ok: true;
  result: { ready: true; freecad: string; ops: Record<string, boolean> };
}

/** Geometry health returned by every mutating op (TOOLS.md "Results"). */
export interface GeometryHealth {
  name: string;
  type: string;
  volume: number;
  area: number;
  bbox: { min: [number, number, number]; max: [number, number, number] };
  valid: boolean;
  solids: number;
  faces: number;
  edges: number;
  warnings: string[];
}

/** Why a call failed on the worker side. */
export type CadErrorCode = WorkerErrorCode | ClientErrorCode;

/** An op failed: recoverable ones go back to the model as tool errors with `hint`. */
export class CadError extends Error {
  readonly code: CadErrorCode;
  readonly hint: string | undefined;
  constructor(code: CadErrorCode, message: string, hint?: string | null) {
    super(message);
    this.name = "CadError";
    this.code = code;
    this.hint = hint ?? undefined;
  }
  /** True when the backend itself is gone and the run cannot go on (exit code 4). */
  get fatal(): boolean {
    return this.code === "unavailable";
  }
}
