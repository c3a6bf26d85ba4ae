"""Import the parts of fontTools that WeasyPrint imports up front only when they are first used.

WeasyPrint's PDF writer imports ``fontTools.subset`` and ``fontTools.varLib.instancer`` as it
is imported: about 110 modules and 0.1 s of every process that lays out anything, a tenth of a
merge's start. It uses them only for fonts HarfBuzz cannot subset (where libharfbuzz-subset is
missing) and for variable fonts with variations set. Each is replaced by a stand-in module that
imports the real one the first time anything is taken from it, and hands that on: same
functions, same results, loaded later or never.
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType
from typing import Any

# The modules, and the names WeasyPrint takes from them when it is imported (which must not
# load them): ``from fontTools import subset`` takes nothing; ``from
# fontTools.varLib.instancer import instantiateVariableFont`` takes a function.
DEFERRED = {"fontTools.subset": (), "fontTools.varLib.instancer": ("instantiateVariableFont",)}
_lock = threading.Lock()


class Deferred(ModuleType):
    """Stands in for a module until something is taken from it."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # asked by the import system and by tools (__path__, __spec__)
            raise AttributeError(name)
        return getattr(real(self.__name__), name)


def real(name: str) -> ModuleType:
    """The real module ``name``, imported now if its stand-in is still in its place."""
    with _lock:
        found = sys.modules.get(name)
        if isinstance(found, Deferred):
            del sys.modules[name]
            try:
                return importlib.import_module(name)
            except BaseException:
                sys.modules[name] = found  # tried again at the next use, and fails as loud
                raise
    return importlib.import_module(name)


def _forwarder(module: str, name: str) -> Any:
    """A function that calls ``module.name``, importing the module on its first call."""

    def forward(*args: Any, **kwargs: Any) -> Any:
        return getattr(real(module), name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__module__ = module
    return forward


def _stand_in() -> None:
    """Put the stand-ins in place, unless one of the modules is imported already."""
    if any(name in sys.modules for name in DEFERRED):
        return
    for name, functions in DEFERRED.items():
        stand_in = Deferred(name)
        for function in functions:
            setattr(stand_in, function, _forwarder(name, function))
        sys.modules[name] = stand_in
    import fontTools

    # ``from fontTools import subset`` reads the package's attribute.
    fontTools.subset = sys.modules["fontTools.subset"]


class _Trigger:
    """Puts the stand-ins in place when WeasyPrint is first imported (on a tested version:
    its own imports are what this relies on), and leaves the finding to the other finders."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "weasyprint":
            sys.meta_path.remove(self)
            from handbill.engine.versions import speedups_on

            if speedups_on():
                _stand_in()


def install() -> None:
    """Have the next import of WeasyPrint leave these modules' imports to their first use."""
    if "weasyprint" not in sys.modules and not any(isinstance(f, _Trigger) for f in sys.meta_path):
        sys.meta_path.insert(0, _Trigger())
