"""`invoke bench-search`: how well the built site's search finds what residents type, in Debian chromium.

Queries come from the site itself (every searchable page's title; the words of its headline; the
places, people, organisations and numbers its text names, each kept only when one page alone holds
it) and from `resident_queries.toml` (questions as residents ask them). Each names the page it must
find. Every query runs twice: with the browser's own `Intl.Segmenter`, and with a segmenter that
returns single characters injected before the page's scripts; search must not depend on it.
Printed: recall@1, recall@5, mean reciprocal rank (over the first ten results) and the bytes the
first search transfers, as a table; the bytes and seconds of the first searches that fetch the most
(`HEAVY_FIRST_SEARCHES`); then one JSON line.

"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import os
import random
import re
import sys
import threading
import time
import tomllib
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from buildtools.search_shards import FOLDER as SEARCH_FOLDER  # noqa: E402
from buildtools.search_text import searchable_parts  # noqa: E402

SINGLE_CHARACTER_SEGMENTER = """
(() => {
  class SingleCharacterSegmenter {
    constructor(locale, options) { this.options = options || {}; }
    segment(text) {
      const out = []; let index = 0;
      for (const segment of String(text)) {
        out.push({ segment, index, input: text, isWordLike: /[\\p{L}\\p{N}]/u.test(segment) });
        index += segment.length;
      }
      return out;
    }
    resolvedOptions() { return { locale: "zh", granularity: this.options.granularity || "grapheme" }; }
    static supportedLocalesOf(locales) { return [].concat(locales || []); }
  }
  Object.defineProperty(Intl, "Segmenter", { value: SingleCharacterSegmenter, configurable: true, writable: true });
})();
"""
# Places: the towns and villages the ledgers name, and roads; organisations: what the text calls
# 公司, 合作社, 局. Chinese has no spaces, so a name is taken from a known start (醴陵市, 位于, 在).
TOWN_VILLAGE = re.compile(r"^([\u4e00-\u9fff]{2,4}?(?:镇|街道|示范区))([\u4e00-\u9fff]{2,3}?(?:村|社区))")
ROAD = re.compile(r"[\u4e00-\u9fff]{2}路(?=\d|[的与和，。、])")
ORGANISATION = re.compile(r"(?:醴陵市|位于|由)([\u4e00-\u9fff]{2,14}?(?:公司|合作社|局))")
NUMBER = re.compile(r"\d{5,}")
RANK = "q => window.lilingSearch.rank(q)"


def site_pages(site: str, sample: int = 0) -> list[dict]:
    """Every searchable page of the built site (or `sample` of them, drawn with a fixed seed, on a
    site too large to read whole): url, title, text, metadata."""
    paths = []
    for base, dirs, names in os.walk(site):
        dirs[:] = sorted(name for name in dirs if name != SEARCH_FOLDER)
        paths += [os.path.join(base, name) for name in sorted(names) if name.endswith(".html")]
    if sample and sample < len(paths):
        paths = random.Random(2020).sample(paths, sample)
    pages = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            parts = searchable_parts(handle.read())
        if parts is None:
            continue
        meta = {key: value for kind, key, value in parts[1] if kind == "meta"}
        url = "/" + os.path.relpath(path, site).replace(os.sep, "/").removesuffix("index.html")
        pages.append({"url": url, "title": meta["title"], "text": meta["text"], "meta": meta})
    return pages


def held_elsewhere(site: str, queries: list[tuple[str, str, str]]) -> set[str]:
    """The queries whose words some page of the whole site holds besides the page they must find.

    With `--sample`, a query is unique among the sampled pages only, while the synthetic ten-year
    corpus repeats titles, places and numbers across thousands of pages: such a query names no one
    page (金桥社区 3月 of a village with three years of ledgers names three), and counting it as
    missed measures the corpus, not the search. The whole site's text here
    is each page with its tags stripped, labels and notices included, so when unsure it drops."""
    pending = {query: url for query, url, _ in queries}
    held = set()
    tag = re.compile(r"<[^>]*>")
    for base, dirs, names in os.walk(site):
        dirs[:] = [name for name in dirs if name != SEARCH_FOLDER]
        for name in names:
            if not name.endswith(".html") or not pending:
                continue
            path = os.path.join(base, name)
            url = "/" + os.path.relpath(path, site).replace(os.sep, "/").removesuffix("index.html")
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = html.unescape(tag.sub("", handle.read()))
            # A query of several words (a village and a month) is held when the page holds each.
            for query in [q for q, wanted in pending.items() if wanted != url and all(w in text for w in q.split())]:
                held.add(query)
                del pending[query]
    return held


def generated_queries(pages: list[dict]) -> list[tuple[str, str, str]]:
    """(query, page it must find, kind) made from the pages: titles, headline words, names, numbers."""
    queries: dict[str, tuple[str, str]] = {}

    def holders(word: str) -> list[str]:
        return [page["url"] for page in pages if word in page["text"]]

    def add(word: str, url: str, kind: str, unique: bool = True) -> None:
        if word and word not in queries and (not unique or holders(word) == [url]):
            queries[word] = (url, kind)

    for page in pages:
        add(page["title"], page["url"], "title", unique=False)
        for run in re.findall(r"[\u4e00-\u9fff]{3,}", page["title"]):  # headline words: its 3-4 character pieces
            for size in (4, 3):
                for start in range(0, len(run) - size + 1, 2):
                    add(run[start : start + size], page["url"], "headline-word")
        for pattern, kind in ((ROAD, "place"), (ORGANISATION, "organisation"), (NUMBER, "number")):
            for word in pattern.findall(page["text"]):
                add(word, page["url"], kind)
        for town, village in TOWN_VILLAGE.findall(page["title"]):  # a village's months: its name and a month
            month = re.search(r"(\d{4})年(\d{1,2})月", page["title"])
            if month:
                add(f"{village}{month.group(1)}年{month.group(2)}月", page["url"], "place", unique=False)
                add(f"{town}{village} {month.group(2)}月", page["url"], "place", unique=False)
    known_places = sorted({pair for other in pages for pair in TOWN_VILLAGE.findall(other["title"])})
    for page in pages:  # places named in the news: every town and village the ledgers know
        for town, village in known_places:
            for name in (town, village):
                if name in page["text"] and len(holders(name)) <= 3 and "/news/" in page["url"]:
                    add(name, page["url"], "place", unique=False)
        for person in re.findall(r"(?:记者|通讯员|负责人)([\u4e00-\u9fff]{2,3})(?=[\s，。、）]|$)", page["text"]):
            add(person, page["url"], "person")
    return [(query, url, kind) for query, (url, kind) in queries.items()]


RESIDENT_SETS = {
    "queries": "resident",
    "new_queries": "resident-new",
    "fresh_queries": "resident-fresh",
    "later_queries": "resident-later",
    "december_queries": "resident-december",
}


def resident_queries() -> list[tuple[str, str, str]]:
    """The questions of resident_queries.toml: `queries` (the ranking was adjusted while they were
    measured), `new_queries` and `fresh_queries` (written later, never tuned on), each its own set."""
    with open(os.path.join(HERE, "resident_queries.toml"), "rb") as handle:
        sets = tomllib.load(handle)
    return [(query, url, kind) for key, kind in RESIDENT_SETS.items() for query, url in sets.get(key, [])]


def query_set(kind: str) -> str:
    return kind if kind in RESIDENT_SETS.values() else "generated"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, with the build's .gz copy when there is one, as nginx's gzip_static does."""

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if "gzip" in self.headers.get("Accept-Encoding", "") and os.path.isfile(path + ".gz"):
            handle = open(path + ".gz", "rb")
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
            self.end_headers()
            return handle
        return super().send_head()

    def log_message(self, *args):
        pass


def serve(site: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# Queries whose first search fetches the most: words on nearly every page of a kind (醴陵市, 村务公开,
# 2020年), a common character alone (村), a place (东富镇) and a question. Each is measured in a new
# browser context, as a resident's first search: the page, its script and style, and the index.
HEAVY_FIRST_SEARCHES = ("东富镇", "醴陵市", "村务公开", "2020年", "村", "收入", "老年证在哪里办")


def first_search(browser, base: str, query: str, single_character: bool = False):
    """(page, bytes, seconds) of a first search for `query` in a new context: from opening
    /search/?q=… until its results are listed; the page is left open for more queries."""
    context = browser.new_context()
    if single_character:
        context.add_init_script(SINGLE_CHARACTER_SEGMENTER)
    page = context.new_page()
    transferred = []
    page.on("requestfinished", lambda request: transferred.append(request))
    started = time.monotonic()
    page.goto(f"{base}/search/?q={urllib.parse.quote(query)}")
    # The results are listed (their fragments fetched) when the page says so.
    page.wait_for_function(
        "q => document.getElementById('lp-search').dataset.searchDone === q", arg=query, timeout=30000
    )
    seconds = round(time.monotonic() - started, 2)  # the page loaded and its first results listed
    page.wait_for_load_state("networkidle")
    size = sum(
        request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
        for request in transferred
        if "search" in request.url  # the page, its script and style, the index
    )
    return page, size, seconds


def run_mode(browser, base: str, queries, single_character: bool) -> dict:
    page, first_bytes, first_seconds = first_search(browser, base, queries[0][0], single_character)
    context = page.context
    ranks = []
    for query, url, kind in queries:
        found = page.evaluate(RANK, query)
        urls = [urllib.parse.urlparse(found_url).path for found_url in found["urls"]]  # merged shards' are relative
        rank = urls.index(url) + 1 if url in urls else None
        ranks.append({"query": query, "url": url, "kind": kind, "rank": rank, "count": found["count"]})
    context.close()
    return {"first_search_bytes": first_bytes, "first_search_seconds": first_seconds, "ranks": ranks}


def figures(ranks: list[dict]) -> dict:
    count = max(1, len(ranks))
    return {
        "queries": len(ranks),
        "recall_at_1": round(sum(r["rank"] == 1 for r in ranks) / count, 4),
        "recall_at_5": round(sum(bool(r["rank"]) and r["rank"] <= 5 for r in ranks) / count, 4),
        "mrr": round(sum(1 / r["rank"] for r in ranks if r["rank"]) / count, 4),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="output", help="the built site (default output/)")
    parser.add_argument("--misses", action="store_true", help="list every query not found first")
    parser.add_argument(
        "--sample",
        type=int,
        default=0,
        help="make the generated queries from this many pages (kept only when no other page of the site holds them)",
    )
    parser.add_argument("--no-resident", action="store_true", help="leave out resident_queries.toml (another site)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    pages = site_pages(args.site, args.sample)
    residents = [] if args.no_resident else resident_queries()
    generated = generated_queries(pages)
    if args.sample:
        held = held_elsewhere(args.site, generated)
        print(f"{len(held)} of {len(generated)} generated queries dropped: other pages of the whole site hold them too")
        generated = [entry for entry in generated if entry[0] not in held]
    everything = generated + residents
    sets = ["generated"] + [name for name in RESIDENT_SETS.values() if any(kind == name for _, _, kind in residents)]
    server, base = serve(args.site)
    report = {"pages": len(pages), "modes": {}}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
            )
            heavy = {}
            for query in HEAVY_FIRST_SEARCHES:
                page, size, seconds = first_search(browser, base, query)
                page.context.close()
                heavy[query] = {"bytes": size, "seconds": seconds}
            report["heavy_first_searches"] = heavy
            for mode, single in (("browser-segmenter", False), ("single-character-segmenter", True)):
                run = run_mode(browser, base, everything, single)
                report["modes"][mode] = {
                    "first_search_bytes": run["first_search_bytes"],
                    "first_search_seconds": run["first_search_seconds"],
                    **{name: figures([r for r in run["ranks"] if query_set(r["kind"]) == name]) for name in sets},
                    "all": figures(run["ranks"]),
                }
                report["modes"][mode]["ranks"] = run["ranks"]
            browser.close()
    finally:
        server.shutdown()
    print(f"search benchmark: {args.site}, {len(pages)} searchable pages")
    print(f"{'mode':28} {'set':12} {'queries':>7} {'R@1':>7} {'R@5':>7} {'MRR':>7} {'first search bytes':>19} {'s':>6}")
    for mode, result in report["modes"].items():
        for name in [*sets, "all"]:
            row = result[name]
            print(
                f"{mode:28} {name:12} {row['queries']:7d} {row['recall_at_1']:7.3f} {row['recall_at_5']:7.3f} "
                f"{row['mrr']:7.3f} {result['first_search_bytes']:19d} {result['first_search_seconds']:6.2f}"
            )
    modes = list(report["modes"].values())
    same = [r["rank"] for r in modes[0]["ranks"]] == [r["rank"] for r in modes[1]["ranks"]] and modes[0][
        "first_search_bytes"
    ] == modes[1]["first_search_bytes"]
    print("identical ranks and bytes in both segmenter modes:", "yes" if same else "NO")
    print("first searches that fetch the most (bytes, seconds to the results listed):")
    for query, figure in report["heavy_first_searches"].items():
        print(f"  {query:12} {figure['bytes']:9d} {figure['seconds']:6.2f}")
    if args.misses:
        for r in modes[0]["ranks"]:
            if r["rank"] != 1:
                print(f"  miss: {r['query']} -> {r['url']} ({r['kind']}): rank {r['rank']}")
    for result in report["modes"].values():
        result.pop("ranks")
    report["identical_in_both_modes"] = same
    print(json.dumps(report, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
