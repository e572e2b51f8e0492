"""Densities (g/cm³) for mass in `measure`: typical values for the named materials."""

from .registry import OpError

DENSITY = {
    "steel": 7.85,
    "stainless": 8.0,
    "aluminium": 2.70,
    "brass": 8.5,
    "titanium": 4.43,
    "pla": 1.24,
    "petg": 1.27,
    "abs": 1.04,
    "nylon": 1.14,
}


def density_of(args):
    """g/cm³ from `material` or `density`, or None when neither is given."""
    material, density = args.get("material"), args.get("density")
    if material is not None and density is not None:
        raise OpError("give material or density, not both", code="bad_argument")
    if material is not None:
        if material not in DENSITY:
            raise OpError(
                f"unknown material {material!r}",
                hint="one of " + ", ".join(DENSITY) + "; or a density in g/cm³",
                code="bad_argument",
            )
        return DENSITY[material]
    if density is not None:
        if isinstance(density, bool) or not isinstance(density, (int, float)) or not 0 < density < 30:
            raise OpError(
                f"density must be a number in g/cm³ (0, 30), got {density!r}",
                hint="e.g. 7.85 for steel",
                code="bad_argument",
            )
        return float(density)
    return None


def mass_g(volume_mm3, density):
    return round(volume_mm3 * density * 1e-3, 6)
