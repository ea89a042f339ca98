"""What the build runner's tests share: a settings file an editor could have written pointed at other
content, a copy of a content folder with one file changed, and running a build tool as a command."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
EDITIONS_FIXTURE = ROOT / "plugins" / "editions" / "test_data" / "good"


def settings_for(tmp_path: pathlib.Path, content: pathlib.Path, flat: bool = True) -> pathlib.Path:
    """A settings file an editor could have written: the real one, pointed at other content.

    `flat`: the content is a fixture folder of articles (no news/ or pages/ subfolders, no
    sections.toml of its own); otherwise it is a copy of the real content/ folder.
    """
    path = tmp_path / "testconf.py"
    lines = [
        "import sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        "from pelicanconf import *",
        f"PATH = {str(content)!r}",
    ]
    if flat:
        lines += [
            "ARTICLE_PATHS = ['']",
            "PAGE_PATHS = []",
            f"SECTIONS_FILE = {str(ROOT / 'content' / 'sections.toml')!r}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def copy_with_change(source: pathlib.Path, content: pathlib.Path, relative: str, change) -> pathlib.Path:
    """A copy of the content folder `source` at `content` whose file `relative` reads `change(its text)`."""
    shutil.copytree(source, content)
    path = content / relative
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return content


def run_python(*arguments: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Python with these arguments in the repository, as a command is run: its output captured as text."""
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def run_build(settings: pathlib.Path, output: pathlib.Path) -> subprocess.CompletedProcess:
    return run_python("-m", "buildtools.build", "--settings", str(settings), "--output", str(output))
