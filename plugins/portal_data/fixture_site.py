"""Small fixture sites for the plugins' tests: the real settings and theme pointed at a test folder,
built by Pelican itself (the shape of pelican-plugins' tests), so a plugin is tested as it runs."""

from __future__ import annotations

import csv
import io
import pathlib
import shutil

from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


def fixture_settings(content, *, articles: bool = True, pages: tuple = (), **overrides) -> dict:
    """pelicanconf.py read with `content` as the content folder: its top level holds the articles
    (none when `articles` is false), `pages` names its page folders; `overrides` win over both."""
    override = {"PATH": str(content), "ARTICLE_PATHS": [""] if articles else [], "PAGE_PATHS": list(pages)}
    return read_settings(str(ROOT / "pelicanconf.py"), override={**override, **overrides})


def build_fixture_site(content, output: pathlib.Path, plugins: list[str], **settings) -> pathlib.Path:
    """Build `content` into `output` with only `plugins` loaded; `settings` as for fixture_settings."""
    Pelican(settings=fixture_settings(content, OUTPUT_PATH=str(output), PLUGINS=list(plugins), **settings)).run()
    return output


def parse_page(path: pathlib.Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def register_content(good: pathlib.Path, register: str, header):
    """content_with(tmp_path, *rows): a copy of the `good` fixture in tmp_path/content whose `register`
    CSV holds these rows (dicts keyed by the header's columns), as UTF-8 with LF (the reader's other
    encodings are tested apart)."""

    def content_with(tmp_path: pathlib.Path, *rows: dict) -> pathlib.Path:
        content = tmp_path / "content"
        shutil.copytree(good, content)
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[row[column] for column in header] for row in rows])
        (content / register).write_text(buffer.getvalue(), encoding="utf-8")
        return content

    return content_with


def build_register_site(content: pathlib.Path, output: pathlib.Path, folder: str, plugin: str, **settings):
    """Build a site of no articles whose register files are `content`'s disclosures/ moved to `folder`/
    (so the plugin's path settings, given in `settings`, are what finds them) with only `plugin`."""
    site = output.parent / (output.name + "-content")
    shutil.copytree(content / "disclosures", site / folder)
    return build_fixture_site(site, output, [plugin], articles=False, **settings)


def refusal_messages(loaded: tuple) -> list[str]:
    """The messages of a register's load that must have failed (its model None), in report order."""
    register, errors = loaded
    assert register is None
    return [str(error) for error in sorted(errors)]
