"""The synthetic site is deterministic, in our real formats, and builds; `bench` ends with its JSON line."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from benchmarks.generate import LEDGER_HEADER, POWER_HEADER, VILLAGES_HEADER, generate
from buildtools.build import build_site
from buildtools.new_files import ARTICLE_KEYS
from plugins.portal_data.csv_source import read_csv_table

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The documented keys (the ones `invoke new article` writes), in their order, less those the
# generator leaves out because the ten-year site has no kickers or photos.
REAL_FRONT_MATTER = [key for key in ARTICLE_KEYS if key not in {"Kicker", "Photo_Caption", "Photo_Credit"}]


def files(root: pathlib.Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_options_give_the_same_bytes_and_the_real_formats(tmp_path):
    counts = generate(str(tmp_path / "a"), articles=40, villages_count=3, months=4, power_items=6)
    generate(str(tmp_path / "b"), articles=40, villages_count=3, months=4, power_items=6)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert counts == {"articles": 40, "ledgers": 12, "power_items": 6}
    content = tmp_path / "a" / "content"
    articles = sorted(content.glob("news/*/*.md"))
    assert len(articles) == 40
    for article in articles:
        keys = [line.split(":", 1)[0] for line in article.read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()]
        assert [key for key in keys if key in REAL_FRONT_MATTER] == REAL_FRONT_MATTER, article
    for path, header in [
        ("disclosures/villages.csv", VILLAGES_HEADER),
        ("disclosures/power-list.csv", POWER_HEADER),
    ] + [(p.relative_to(content).as_posix(), LEDGER_HEADER) for p in content.glob("disclosures/finance/*/*.csv")]:
        table, errors = read_csv_table(str(content / path), exact_header=header)
        assert errors == [] and table.rows, path


def test_the_generated_site_builds_with_every_ledger_page(tmp_path):
    generate(str(tmp_path), articles=30, villages_count=2, months=3, power_items=5)
    result = build_site(
        str(ROOT / "pelicanconf.py"),
        str(tmp_path / "out"),
        {"PATH": str(tmp_path / "content"), "BUILD_TIME": "2025-01-01T00:00"},
    )
    assert result.ok, result.problems
    assert len(list((tmp_path / "out/disclosures/villages").glob("*/20[0-9][0-9]-[0-9][0-9]/index.html"))) == 6


def test_bench_prints_a_table_then_one_json_line(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench",
            "--work",
            str(tmp_path / "work"),
            "--articles",
            "25",
            "--villages",
            "2",
            "--months",
            "2",
            "--power-items",
            "3",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for key in (
        "full_s",
        "vanilla_s",
        "hugo_s",
        "nochange_s",
        "one_article_s",
        "one_ledger_s",
        "peak_mib",
        "news_html_s",
        "news_html_one_process_s",
        "one_ledger_latest_s",
        "full_tree_peak_mib",
    ):
        assert figures[key] > 0, key
    # the process-tree peak holds the build and the workers it runs, so it is never below the largest one
    assert figures["full_tree_peak_mib"] >= 0.9 * figures["full_peak_mib"]
    # a shared page counts once in the proportional sum, once per process in the resident one
    assert 0 < figures["full_tree_pss_peak_mib"] <= 1.05 * figures["full_tree_peak_mib"]
    assert (figures["articles"], figures["ledger_pages"]) == (25, 4)
    assert "our rebuild, one ledger CSV changed" in done.stdout


def test_a_missing_comparison_program_is_named_with_how_to_install_it():
    from benchmarks.bench import measure

    with pytest.raises(SystemExit) as stopped:
        measure(["no-such-hugo-here", "--quiet"])
    assert (
        str(stopped.value)
        == "找不到程序 no-such-hugo-here：请先运行 ./scripts/install-test-deps（用 apt-get 安装 Debian 的 hugo 等）"
    )


def test_the_preview_server_shows_a_saved_article_and_restores_it(tmp_path):
    """`invoke serve` on another site's settings watches that site's content, rebuilds on a save and
    serves the change; the benchmark puts the article back as it was."""
    import shutil

    from benchmarks import preview_bench

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = tmp_path / "previewconf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\nPATH = {str(content)!r}\n",
        encoding="utf-8",
    )
    from pelican.settings import read_settings

    found = read_settings(str(settings))
    article, url = preview_bench.article_to_change(content, found["ARTICLE_URL"], found["TIMEZONE"])
    before = article.read_bytes()
    figures = preview_bench.main(["--settings", str(settings), "--output", str(tmp_path / "out")])
    assert figures["preview_one_article_s"] is not None  # the change reached the served page
    assert url.startswith("news/2020/07/") and (tmp_path / "out" / url / "index.html").exists()
    assert article.read_bytes() == before


def test_a_sampled_query_that_another_page_of_the_site_holds_is_dropped(tmp_path):
    """`bench-search --sample`: a query names one page only if no other page of the whole site
    holds it; a village and a month held by another year's month of that village name neither."""
    from benchmarks.search_bench import held_elsewhere

    pages = {
        "a": "<h1>金桥社区2023年3月</h1><p>东富镇修路</p>",
        "b": "<h1>金桥社区2024年3月</h1><p>东富&#38215;修路 左权路</p>",
        "c": "<h1>黄岭村2024年8月</h1>",
    }
    for name, body in pages.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    queries = [
        ("东富镇修路", "/a/", "headline-word"),  # b says it too (as a character reference)
        ("金桥社区 3月", "/a/", "place"),  # b holds both words: another March of the village
        ("左权路", "/b/", "place"),  # b's own
        ("黄岭村 8月", "/c/", "place"),  # c's own
    ]
    assert held_elsewhere(str(tmp_path), queries) == {"东富镇修路", "金桥社区 3月"}
