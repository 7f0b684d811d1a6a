"""Each dialect page ends with a table of its deliberate deviations from its seed, and
says how a case opened elsewhere reads (the fallbacks where data is missing)."""

from __future__ import annotations

from pathlib import Path

import pytest

PAGES = Path(__file__).parents[2] / "docs" / "dialects"


@pytest.mark.parametrize("name", ["trackit", "itflow", "itx", "casemgmt", "superoffice"])
def test_the_page_ends_with_its_deliberate_deviations(name: str) -> None:
    text = (PAGES / f"{name}.md").read_text()
    assert "## A case opened elsewhere" in text
    last = text.rstrip().rsplit("\n## ", 1)[1]
    heading, *lines = last.splitlines()
    assert heading == "Deliberate deviations"
    rows = [ln for ln in lines if ln.startswith("|")]
    assert rows[0] == "| seed says | casedesk does | why |"
    assert len(rows) >= 3 and all(ln.count("|") == 4 for ln in rows)
    assert lines[-1] == rows[-1]
