"""The README says only what is true where a test can tell: every task it names exists, every
repository path it names exists, and its module map names files that exist."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TOP_FOLDERS = (
    "content/",
    "theme/",
    "plugins/",
    "buildtools/",
    "tests/",
    "benchmarks/",
    "deploy/",
    "scripts/",
    ".ci/",
    ".github/",
    "docs/",
)
# Files the README tells someone to create when they first need one; until then they do not exist.
CREATED_WHEN_NEEDED = {
    "content/personal-data-allowlist.toml",
    "content/disclosures/holidays.csv",
    "benchmarks/work/oursconf.py",  # written by invoke bench
}


def invoke_tasks() -> set[str]:
    listing = subprocess.run(
        [sys.executable, "-m", "invoke", "--list"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return {
        line.split()[0]
        for line in listing.splitlines()[1:]
        if line.startswith("  ") and line.strip() and not line.startswith("   ")
    }


def named_paths(text: str) -> set[str]:
    """Repository paths in `code` spans and code blocks; patterns such as <代码> or {slug} are not paths."""
    spans = re.findall(r"`([^`\n]+)`", text) + re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL)
    words = {word.rstrip(".,;:)") for span in spans for word in span.split()}
    return {word for word in words if word.startswith(TOP_FOLDERS) and not re.search(r"[<>{}*…]", word)}


def test_every_task_the_readme_names_exists():
    named = set(re.findall(r"\binvoke ([a-z][a-z-]*)", README))
    assert named and named - invoke_tasks() == set()


def test_every_repository_path_the_readme_names_exists():
    paths = named_paths(README)
    assert "plugins/portal_data/dates.py" in paths  # the module map is read too
    missing = sorted(path for path in paths - CREATED_WHEN_NEEDED if not (ROOT / path).exists())
    assert missing == []


def test_paths_are_found_in_code_spans_and_blocks_but_not_patterns():
    text = "see `plugins/seo/seo.py`, `content/news/<YYYY-MM-DD>/<slug>.md`\n```\ntheme/ templates\n```\n"
    assert named_paths(text) == {"plugins/seo/seo.py", "theme/"}


def test_the_module_map_names_every_plugin_and_build_module():
    """A newcomer finds each plugin and build module in the README before opening the code."""
    plugins = {path.name for path in (ROOT / "plugins").iterdir() if (path / "__init__.py").exists()}
    modules = {path.name for path in (ROOT / "buildtools").glob("*.py") if path.name != "__init__.py"}
    named = set(re.findall(r"`(?:plugins/)?([a-z_]+(?:\.py)?)/?`", README))
    assert sorted(plugins - named) == []
    assert sorted(modules - named) == []
    shared = ROOT / "plugins" / "portal_data"
    what_plugins_share = {f"plugins/portal_data/{path.name}" for path in shared.glob("*.py")}
    what_plugins_share -= {"plugins/portal_data/__init__.py"} | {
        str(p.relative_to(ROOT)) for p in shared.glob("test_*.py")
    }
    assert sorted(what_plugins_share - named_paths(README)) == []


WHERE_TO_CHANGE = (
    "how a page's freshness is decided",
    "how a file is written safely",
    "how a date is parsed",
    "how a CSV row is read and refused",
    "how search text is made",
)


def test_where_to_change_what_names_one_existing_file_for_each_question():
    section = README.split("### Where to change what", 1)[1]
    bullets = "- " + section.split("\n\n- ", 1)[1].split("\n\n", 1)[0]  # the list, up to its blank line
    answers = dict(re.findall(r"^- (.+?): (.+)$", bullets, re.MULTILINE))
    assert sorted(answers) == sorted(WHERE_TO_CHANGE)
    for question, answer in answers.items():
        [path] = re.findall(r"`([^`]+)`", answer)  # one file, not a list to choose from
        assert (ROOT / path).is_file(), (question, path)


DEFAULTS_FILES = sorted(
    path
    for path in [*(ROOT / "plugins").glob("*/*.py"), *(ROOT / "buildtools").glob("*.py")]
    if not path.name.startswith("test_") and re.search(r"^DEFAULTS = ", path.read_text(encoding="utf-8"), re.M)
)


def test_every_setting_a_plugin_or_build_tool_defaults_is_in_the_readme():
    """Each DEFAULTS dict is the one place a setting's default lives; the README names every key."""
    import importlib

    modules = [path.with_suffix("").relative_to(ROOT).as_posix().replace("/", ".") for path in DEFAULTS_FILES]
    pelicans_own = {"TIMEZONE"}  # Pelican's setting, which a plugin reads with Pelican's default
    keys = {key for module in modules for key in importlib.import_module(module).DEFAULTS} - pelicans_own
    assert len(keys) > 60
    assert sorted(key for key in keys if f"`{key}`" not in README) == []
