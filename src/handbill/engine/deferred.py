"""Import the parts of fontTools that WeasyPrint imports up front only when they are first used.

WeasyPrint's PDF writer (``weasyprint.pdf.fonts``) imports ``fontTools.subset`` and
``fontTools.varLib.instancer`` as it is imported: about 110 modules and 0.1 s of every process
that lays out anything, a tenth of a merge's start. It uses them only for fonts HarfBuzz cannot
subset (where libharfbuzz-subset is missing) and for variable fonts with variations set.

While that one module is executed, stand-in modules take the two names' places; once it is,
they are taken away again, so that only WeasyPrint's module holds them and any other import of
the two (fontTools' own among them) gets the real modules. A stand-in imports its real module
the first time anything is taken from it, and hands that on: same functions, same results,
loaded later or never.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from types import ModuleType
from typing import Any

# The modules, and the names WeasyPrint takes from them when it is imported (which must not
# load them): ``from fontTools import subset`` takes nothing; ``from
# fontTools.varLib.instancer import instantiateVariableFont`` takes a function.
DEFERRED = {"fontTools.subset": (), "fontTools.varLib.instancer": ("instantiateVariableFont",)}
_IMPORTER = "weasyprint.pdf.fonts"


class Deferred(ModuleType):
    """Stands in for a module until something is taken from it."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # asked by the import system and by tools (__path__, __spec__)
            raise AttributeError(name)
        return getattr(_real(self.__name__), name)


def _real(name: str) -> ModuleType:
    """The real module ``name``, imported now if need be (the stand-in is in its place only
    while WeasyPrint's module is executed)."""
    if isinstance(sys.modules.get(name), Deferred):
        del sys.modules[name]
    return importlib.import_module(name)


def _forwarder(module: str, name: str) -> Any:
    """A function that calls ``module.name``, importing the module on its first call."""

    def forward(*args: Any, **kwargs: Any) -> Any:
        return getattr(_real(module), name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__module__ = module
    return forward


class _Loader:
    """Executes WeasyPrint's module with the stand-ins in place, and takes them away after."""

    def __init__(self, original: Any) -> None:
        self.original = original

    def create_module(self, spec: Any) -> ModuleType | None:
        return self.original.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        import fontTools

        placed = {}
        for name, functions in DEFERRED.items():
            if name not in sys.modules:
                placed[name] = stand_in = Deferred(name)
                for function in functions:
                    setattr(stand_in, function, _forwarder(name, function))
                sys.modules[name] = stand_in
        if "fontTools.subset" in placed:  # ``from fontTools import subset`` reads the package's
            fontTools.subset = placed["fontTools.subset"]
        try:
            self.original.exec_module(module)
        finally:
            for name, stand_in in placed.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]
            if (
                "fontTools.subset" in placed
                and fontTools.__dict__.get("subset") is placed["fontTools.subset"]
            ):
                del fontTools.subset


class _FontsFinder:
    """Finds WeasyPrint's PDF font module as usual, and gives it ``_Loader`` (on a tested
    WeasyPrint: what this relies on is that module's imports)."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != _IMPORTER:
            return None
        from handbill.engine.versions import speedups_on

        if not speedups_on():
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)  # type: ignore[assignment]
        return spec


def install() -> None:
    """Have the next import of WeasyPrint leave these modules' imports to their first use."""
    if _IMPORTER not in sys.modules and not any(isinstance(f, _FontsFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _FontsFinder())
