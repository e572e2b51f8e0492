import type { Material } from "../record/design-record.js";
import { MATERIALS } from "../tools/requirements.js";
import { UserError } from "../util/user-error.js";

/**
 * `--material`: a material name of `measure` ("steel", "pla", …) or a density in g/cm³. The
 * worker's density table (materials.py) turns a name into a density; the same bounds as there.
 */
export function parseMaterial(raw: string): Material {
  const text = raw.trim().toLowerCase();
  if ((MATERIALS as readonly string[]).includes(text)) return { material: text };
  const density = Number(text.replace(/\s*g\/cm3$/, ""));
  if (text !== "" && Number.isFinite(density) && density > 0 && density < 30) return { density };
  throw new UserError(
    `--material ${JSON.stringify(raw)}: not a known material or a density in g/cm³ (0 to 30); use one of ${MATERIALS.join(", ")}, or e.g. --material 7.85`,
  );
}
