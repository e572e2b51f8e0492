import type { ContentPart } from "../llm/types.js";
import type { ToolContext } from "../tools/context.js";
import type { ToolRegistry } from "../tools/registry.js";
import { measureRequirements, requirementsTable, type RequirementResult } from "../tools/requirements.js";

/**
 * The self-check before a design is delivered: when the model first calls `finish`, the agent
 * runs `check_design`, measures and renders the named parts, and gives the model one review
 * turn with the figures and the picture (prompts/review.md). Models routinely call finish on a
 * part whose size or hole count differs from the brief; one look at the numbers catches most.
 */

/** How the review ended (report.json `review.outcome`). */
export type ReviewOutcome =
  /** The model called finish again without changing the design. */
  | "confirmed"
  /** The model changed the design during the review, then finished. */
  | "revised"
  /** The model answered without calling finish again: its first finish stands. */
  | "accepted"
  /** No review happened: off (--no-review), or no turn was left after finish. */
  | "off"
  | "no-turn-left"
  /** The check itself failed (e.g. the render); the first finish stands. */
  | "failed";

/** report.json `review` and the `review` event. */
export interface ReviewSummary {
  outcome: ReviewOutcome;
  /** The turn whose finish was reviewed; null when no review happened. */
  turn: number | null;
  /** check_design's verdict, and its warnings. */
  ok: boolean | null;
  warnings: string[];
  /** Whether a picture went to the model (false for text-only models or a failed render). */
  image: boolean;
  /** Mutating tool calls the model made during the review. */
  changes: number;
  error: string | null;
}

/** What the loop adds to the finish call's result: the review text and picture. */
export interface ReviewMaterial {
  content: ContentPart[];
  summary: ReviewSummary;
}

/** Called by the loop with the parts of the first successful finish. */
export type ReviewHook = (parts: readonly string[], turn: number) => Promise<ReviewMaterial>;

export const NO_REVIEW: ReviewSummary = {
  outcome: "off",
  turn: null,
  ok: null,
  warnings: [],
  image: false,
  changes: 0,
  error: null,
};

export interface ReviewHookOptions {
  registry: ToolRegistry;
  ctx: ToolContext;
  /** prompts/review.md with {{figures}} and {{image_note}}. */
  template: string;
  /** Whether the model takes images; a text-only model gets the figures alone. */
  vision: boolean;
}

/** The standard review: check_design + measure of each part + an iso render. */
export function createReviewHook(o: ReviewHookOptions): ReviewHook {
  return async (parts, turn) => {
    const check = await o.registry.execute("check_design", {}, o.ctx);
    const measured = await Promise.all(parts.map((p) => o.registry.execute("measure", { object: p }, o.ctx)));
    const figures: Record<string, unknown> = {
      check_design: check.ok ? check.result : { error: check.error?.message ?? "check_design failed" },
      parts: measured.map((m, i) =>
        m.ok ? m.result : { name: parts[i], error: m.error?.message ?? "measure failed" },
      ),
    };
    let images: ContentPart[] = [];
    let renderError: string | null = null;
    if (o.vision) {
      const render = await o.registry.execute("render_view", { view: "iso", objects: [...parts] }, o.ctx);
      if (render.ok) images = render.content.filter((c) => c.type === "image");
      else renderError = render.error?.message ?? "render failed";
    }
    const result = check.result as { ok?: unknown; warnings?: unknown } | undefined;
    const warnings = Array.isArray(result?.warnings)
      ? result.warnings.filter((w): w is string => typeof w === "string")
      : [];
    const requirements = await measureRequirements(o.ctx, parts).catch((): RequirementResult[] => []);
    const text =
      o.template
        .replace("{{figures}}", () => "```json\n" + JSON.stringify(figures, null, 1) + "\n```")
        .replace("{{image_note}}", () => (images.length ? ", and an iso view of them" : "")) +
      (requirements.length
        ? `\n\nThe requirements you declared, measured on these parts:\n\n${requirementsTable(requirements)}\n\nFix every FAIL unless the brief itself allows it, then call finish.`
        : "");
    return {
      content: [{ type: "text", text }, ...images],
      summary: {
        outcome: "accepted",
        turn,
        ok: typeof result?.ok === "boolean" ? result.ok : null,
        warnings,
        image: images.length > 0,
        changes: 0,
        error: check.ok ? renderError : (check.error?.message ?? "check_design failed"),
      },
    };
  };
}

/**
 * Replaces images by a note for models that take no images, so a text-only model is told
 * a picture existed instead of receiving a request its server rejects.
 */
export function withoutImages(content: ContentPart[]): ContentPart[] {
  if (!content.some((c) => c.type === "image")) return content;
  const n = content.filter((c) => c.type === "image").length;
  return [
    ...content.filter((c) => c.type !== "image"),
    {
      type: "text",
      text: `[${n} image${n > 1 ? "s" : ""} omitted: this model takes text only. Rely on the measured figures: bbox, volume, check_design and list_topology.]`,
    },
  ];
}
