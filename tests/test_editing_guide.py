"""docs/editing.md quotes only messages the build is tested to print, word for word, and the README links to it."""

from __future__ import annotations

import re

from test_check_is_the_build import CASES
from test_new_files import EMPTY_MATTER_NAME

from conftest import ROOT

GUIDE = (ROOT / "docs" / "editing.md").read_text(encoding="utf-8")
POSITIONED = re.compile(r"^\S+\.(?:md|csv):\d+:\d+: .+$")


def quoted_messages(text: str) -> list[str]:
    """Every `file:line:column: …` line in a code block, and every such `code span` in the text."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL)
    lines = [line for block in blocks for line in block.splitlines()]
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL))
    return [line for line in lines + spans if POSITIONED.match(line)]


def test_every_message_the_guide_quotes_is_one_the_build_prints():
    printed = {expected for _kind, _edit, expected in CASES} | {EMPTY_MATTER_NAME}
    quoted = quoted_messages(GUIDE)
    assert len(quoted) >= 14
    assert [message for message in quoted if message not in printed] == []


def test_every_kind_of_problem_the_build_is_tested_for_is_explained():
    assert [kind for kind, _edit, expected in CASES if expected not in GUIDE] == []


def test_the_readme_links_the_guide():
    assert "(docs/editing.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
