import type { Provider } from "../llm/providers.js";
import type { ProtocolAdapter } from "../llm/types.js";
import { createRegistry } from "../tools/catalog.js";
import { buildDesign } from "../agent/build-design.js";
import type { ExportFormat } from "../agent/outputs.js";
import { previewHook } from "../agent/preview.js";
import type { Redactor } from "../util/redact.js";
import type { RetryPolicy } from "../agent/retry.js";
import { runDesign } from "../agent/run-design.js";
import type { BatchJob } from "./jobs.js";
import type { LoadedRecord } from "./records.js";
import type { JobRunner } from "./run-batch.js";

/** Who answers a brief job: resolved (key included, inside the adapter) before the batch starts. */
export interface BriefTarget {
  provider: Provider;
  model: string;
  /** Shared by every job of this provider; usually a gatedAdapter. */
  adapter: ProtocolAdapter;
}

export interface JobRunnerOptions {
  /** The target of each brief job, by job id. */
  targets: ReadonlyMap<string, BriefTarget>;
  /** The record of each design job, by job id (overrides applied). */
  records: ReadonlyMap<string, LoadedRecord>;
  formats: readonly ExportFormat[];
  maxTurns: number;
  /** Per brief job. */
  budgetUsd?: number;
  /** Per brief job (a record replay has no LLM to wait for). */
  timeoutMs?: number;
  allowPython: boolean;
  /** Also write views.png (top, front, right beside the iso view) next to preview.png. */
  views?: boolean;
  /** false: no self-review turn after finish (design runs' `review` option). */
  review?: boolean;
  /** Holds every key of the batch, so no job's files can carry any of them. */
  redactor: Redactor;
  retry?: RetryPolicy;
}

/**
 * The runner of a batch: briefs go through runDesign (LLM), design records through
 * buildDesign (no LLM); both on the FreeCAD client the batch lends the job.
 */
export function createJobRunner(o: JobRunnerOptions): JobRunner {
  const registry = createRegistry({ allowPython: o.allowPython });
  const renderPreview = previewHook({ views: o.views ?? false });
  return async (job: BatchJob, ctx) => {
    if (job.kind === "design") {
      const loaded = o.records.get(job.id);
      if (!loaded) throw new Error(`job '${job.id}': its design record was not loaded`);
      await ctx.cad.start();
      return buildDesign({
        record: loaded.record,
        outDir: ctx.dir,
        formats: o.formats,
        registry,
        cad: ctx.cad,
        source: loaded.source,
        signal: ctx.signal,
        renderPreview,
      });
    }
    const target = o.targets.get(job.id);
    if (!target || job.brief === undefined) throw new Error(`job '${job.id}': no provider was resolved for it`);
    return runDesign({
      brief: job.brief,
      provider: target.provider,
      model: target.model,
      adapter: target.adapter,
      outDir: ctx.dir,
      formats: o.formats,
      maxTurns: o.maxTurns,
      ...(o.budgetUsd !== undefined ? { budgetUsd: o.budgetUsd } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.review === false ? { review: false } : {}),
      ...(o.retry ? { retry: o.retry } : {}),
      allowPython: o.allowPython,
      cad: ctx.cad,
      signal: ctx.signal,
      redactor: o.redactor,
      renderPreview,
      onEvent: (e) => {
        if (e.type === "usage")
          ctx.onUsage({ inputTokens: e.total.inputTokens, outputTokens: e.total.outputTokens, costUsd: e.costUsd });
      },
    });
  };
}
