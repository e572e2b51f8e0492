"""Imports every `ops_*.py` module in this package so each registers its ops."""

import importlib
import pkgutil

from . import __path__ as _pkg_path

for _m in sorted(m.name for m in pkgutil.iter_modules(_pkg_path) if m.name.startswith("ops_") and m.name != "ops_all"):
    importlib.import_module(f"{__package__}.{_m}")
