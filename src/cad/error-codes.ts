/**
 * Every `code` a FreeCAD worker error can carry: the same list as `ERROR_CODES` in
 * worker/cadagent_worker/registry.py (a unit test checks that the two agree).
 */
export const WORKER_ERROR_CODES = [
  "bad_argument",
  "bad_expression",
  "bad_path",
  "bad_profile",
  "bad_request",
  "bad_selector",
  "empty_result",
  "export_failed",
  "freecad_error",
  "import_failed",
  "in_use",
  "interrupted",
  "invalid_shape",
  "missing_font",
  "missing_tool",
  "name_taken",
  "no_match",
  "no_shape",
  "not_finite",
  "not_found",
  "not_solid",
  "op_error",
  "python_error",
  "recompute_failed",
  "sketch_failed",
  "too_large",
  "unknown_object",
  "unknown_op",
  "unknown_parameter",
] as const;

export type WorkerErrorCode = (typeof WORKER_ERROR_CODES)[number];

/** Codes the Node side adds: the call never got a worker answer. */
export const CLIENT_ERROR_CODES = [
  "timeout",
  "crashed",
  "unavailable",
  "aborted",
  "bad_reply",
  "nothing_to_save",
] as const;

export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
