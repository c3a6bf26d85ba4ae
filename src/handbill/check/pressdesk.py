"""What published material needs before it goes out: a press release's media contact and a name
for each quote; a print shop's run with no blank left to write in by hand."""

from __future__ import annotations

import re
from typing import Any

from handbill.check.findings import Finding
from handbill.kit.loader import Kit, find_template
from handbill.kit.pressoffice import RELEASE, release_gaps
from handbill.kit.vocabcheck import vocabulary_of
from handbill.render.templating import render_html


def imprint_wanted(kit: Kit, material: Any) -> bool:
    """Whether the material prints the imprint: its ``imprint`` var, else its template's
    default (a press release goes to newsrooms, not to voters, so it has none by default)."""
    value = material.vars.get("imprint")
    if value is None:
        vocabulary = vocabulary_of(find_template(kit, material.template), kit.root)
        declared = vocabulary.vars.get("imprint") if vocabulary else None
        value = declared.default if declared else True
    return value is not False


def press_release_findings(kit: Kit, materials: list[Any]) -> list[Finding]:
    """Errors for each published press release the kit's [press] table leaves incomplete."""
    findings: list[Finding] = []
    press = kit.config.press
    for material in materials:
        if material.template != RELEASE or not material.published:
            continue
        content = render_html(kit, material).content
        findings += [
            Finding("error", material.name, "press", gap)
            for gap in release_gaps(press, material.vars, content)
        ]
    return findings


_BLANK = re.compile(r'<span class="field blank[^"]*" data-field="([^"]+)"|<span class="field blank')


def press_run_blank_findings(
    entry: dict[str, Any], label: str, material: Any, html: str
) -> list[Finding]:
    """A warning for a published material sent to a print shop (a press PDF) with a blank still
    to fill in: every one of hundreds of copies would need writing on by hand. A letter or a
    speech (``published: false``) is filled in by the one person who sends or gives it."""
    if entry.get("mode") != "press" or not material.published:
        return []
    found = _BLANK.findall(html)
    if not found:
        return []
    names = ", ".join(dict.fromkeys(name or "unnamed" for name in found))
    return [
        Finding(
            "warning",
            label,
            "blank",
            f"printed by a print shop with {len(found)} blank{'s' if len(found) > 1 else ''} "
            f"to fill in by hand on every copy ({names}): "
            f"give the value under [fields] in handbill.toml or with --set NAME=VALUE, or "
            f"reword materials/{material.name}.md without it",
        )
    ]
