/** When an eval run passes: the figures it is measured against (eval.json records them). */
export interface Thresholds {
  /** |volume error| allowed, percent (default 5). */
  volumePct: number;
  /** Every bbox axis within max(bboxMm, bboxPct % of the reference size) (defaults 0.5 mm, 2 %). */
  bboxMm: number;
  bboxPct: number;
  /** Optional: Chamfer mean allowed, mm (null: not part of pass). */
  chamferMm: number | null;
}

export const DEFAULT_THRESHOLDS: Thresholds = { volumePct: 5, bboxMm: 0.5, bboxPct: 2, chamferMm: null };
