"""The download page links the event calendars, and refuses a manifest's bad calendar record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write
from handbill.build.runner import build
from handbill.errors import HandbillError
from handbill.kit.loader import load_kit
from handbill.publish.site import page_files, write_site

EVENTS = """\
date,time,title,venue
2026-05-02,2pm,March for the buses,Town square
2026-05-09,7pm,Public meeting,Library
"""


@pytest.fixture
def site_out(kit_dir: Path, tmp_path: Path) -> Path:
    write(kit_dir / "data" / "events.csv", EVENTS)
    out = tmp_path / "out"
    assert not build(load_kit(kit_dir), out_dir=out, jobs=1).failures
    write_site(load_kit(kit_dir), out)
    return out


def test_page_links_every_calendar_and_all_events(site_out: Path) -> None:
    page = (site_out / "index.html").read_text()
    assert '<h2 id="h-calendars">Add the events to your calendar</h2>' in page
    every = '<a href="events.ics" download aria-label="Add to your calendar: Every event (2)">'
    assert every in page
    assert (
        '<a href="event-2026-05-02-march-for-the-buses.ics" download '
        'aria-label="Add to your calendar: March for the buses, Sat\u00a02\u00a0May\u00a02026">'
    ) in page
    assert "event-2026-05-09-public-meeting.ics" in page_files(site_out)


def test_a_calendar_record_outside_the_folder_is_refused(site_out: Path) -> None:
    manifest = json.loads((site_out / "manifest.json").read_text())
    manifest["calendars"][1]["path"] = "../secret.ics"
    (site_out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(HandbillError) as caught:
        page_files(site_out)
    assert caught.value.format_message().endswith(
        "manifest.json: calendar 2 has a path that is not an .ics file in the output folder; "
        "delete the output folder and build again"
    )
