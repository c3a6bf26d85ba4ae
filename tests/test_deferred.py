"""fontTools' subsetter and instancer are imported at their first use, not with WeasyPrint."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO

# In a fresh interpreter: what WeasyPrint's import leaves of the two modules, then what a
# first use gives.
SCRIPT = """
import json, sys
import handbill.engine
import weasyprint
import weasyprint.pdf.fonts as fonts
NAMES = ("fontTools.subset", "fontTools.varLib.instancer")
def kinds():
    return [type(sys.modules.get(n)).__name__ for n in NAMES]
found = {"after_import": kinds(), "modules": sum(m.startswith("fontTools") for m in sys.modules)}
from fontTools.ttLib import TTFont
font = TTFont(sys.argv[1])
try:
    fonts.instantiateVariableFont(font, {"wght": 400})  # not a variable font
except ValueError as error:
    found["error"] = str(error)
found["options"] = fonts.subset.Options().__class__.__module__
found["after_use"] = kinds()
import fontTools.subset, fontTools.varLib.instancer
found["same"] = fonts.subset is fontTools.subset or fonts.subset.Options is fontTools.subset.Options
found["package"] = fontTools.subset.__name__
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
    assert found["after_import"] == ["Deferred", "Deferred"]
    # The real fontTools.subset alone pulls in about a hundred modules.
    assert isinstance(found["modules"], int) and found["modules"] < 60
    # The real functions' own answers, through the stand-ins.
    assert found["error"] == "Missing required table fvar"
    assert found["options"] == "fontTools.subset"
    assert found["after_use"] == ["module", "module"]
    assert found["same"] is True
    assert found["package"] == "fontTools.subset"


def test_without_the_speed_ups_weasyprint_imports_them_itself() -> None:
    found = run("0")
    assert found["after_import"] == ["module", "module"]
    assert isinstance(found["modules"], int) and found["modules"] > 100
