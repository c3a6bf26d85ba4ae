"""fontTools' subsetter and instancer are imported at their first use, not with WeasyPrint."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO

# In a fresh interpreter: what WeasyPrint's import leaves of the two modules, then what a
# first use through WeasyPrint gives, then other ways of importing them.
SCRIPT = """
import importlib.util, json, pickle, sys
import handbill.engine
import weasyprint
import weasyprint.pdf.fonts as fonts
import fontTools
NAMES = ("fontTools.subset", "fontTools.varLib.instancer")
found = {
    "imported": [n in sys.modules for n in NAMES],
    "package_has_subset": "subset" in vars(fontTools),
    "weasyprint_has": [type(fonts.subset).__name__, fonts.instantiateVariableFont.__module__],
    "modules": sum(m.startswith("fontTools") for m in sys.modules),
}
from fontTools.ttLib import TTFont, getTableClass
font = TTFont(sys.argv[1])
try:
    fonts.instantiateVariableFont(font, {"wght": 400})  # not a variable font
except ValueError as error:
    found["error"] = str(error)
# The instancer's own ``from fontTools import subset`` got the real subsetter, which adds
# the methods the instancer needs to the font tables' classes.
found["subset_after_use"] = type(sys.modules["fontTools.subset"]).__name__
found["gsub_prunes"] = hasattr(getTableClass("GSUB"), "prune_lookups")
found["options"] = fonts.subset.Options.__module__
import fontTools.subset.cff
import fontTools.varLib.instancer as instancer
found["others"] = [
    importlib.util.find_spec("fontTools.subset").name,
    len(pickle.dumps(instancer.instantiateVariableFont)) > 0,
]
print(json.dumps(found))
"""
FONT = REPO / "assets" / "fonts" / "atkinson-hyperlegible" / "AtkinsonHyperlegible-Regular.ttf"


def run(speedups: str = "1") -> dict[str, object]:
    env = {**os.environ, "HANDBILL_WEASYPRINT_SPEEDUPS": speedups}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(FONT)],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert done.stderr == ""
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_weasyprint_imports_without_them_and_their_first_use_imports_them() -> None:
    found = run()
    # Only WeasyPrint's module holds the stand-ins; nothing else sees them.
    assert found["imported"] == [False, False] and found["package_has_subset"] is False
    assert found["weasyprint_has"] == ["Deferred", "fontTools.varLib.instancer"]
    # The real fontTools.subset alone pulls in about a hundred modules.
    assert isinstance(found["modules"], int) and found["modules"] < 60
    # The real functions' own answers, through the stand-ins.
    assert found["error"] == "Missing required table fvar"
    assert found["subset_after_use"] == "module" and found["gsub_prunes"] is True
    assert found["options"] == "fontTools.subset"
    assert found["others"] == ["fontTools.subset", True]


def test_without_the_speed_ups_weasyprint_imports_them_itself() -> None:
    found = run("0")
    assert found["imported"] == [True, True] and found["package_has_subset"] is True
    assert found["weasyprint_has"] == ["module", "fontTools.varLib.instancer"]
    assert isinstance(found["modules"], int) and found["modules"] > 100
