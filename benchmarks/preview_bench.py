"""How long `invoke serve` takes to show a saved article: start the preview server, change one
article's body, and time until the server hands out the page with the change.

    python -m benchmarks.preview_bench                      # the real site (content/)
    python -m benchmarks.preview_bench --settings benchmarks/work/oursconf.py --output benchmarks/work/out-preview

Each save appends a line to the newest article's body; the article is restored (and built) afterwards.
`preview_one_article_s` is the wall time from the save to the first response holding the new text:
livereload's polling of the folders (every 0.8 s) plus the fast path that renders the one page (the
browser's reload after livereload's notice adds one page load on top). `caught_up_s` is the time
from the save until the background rebuild has written its report, when every other page (lists,
feeds, search) shows it too. Prints a table and a last JSON line, like the other benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent


DIGITS_AS_LETTERS = str.maketrans("0123456789", "abcdefghij")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def wait_for(predicate, timeout: float, step: float = 0.05) -> float | None:
    """Seconds until predicate() is true, or None after `timeout` seconds."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(step)
    return None


def article_to_change(content: pathlib.Path, article_url: str, timezone: str) -> tuple[pathlib.Path, str]:
    """The newest article's file and its web address, from the settings' ARTICLE_URL."""
    from zoneinfo import ZoneInfo

    from plugins.portal_data.dates import parse_time
    from plugins.portal_data.front_matter import parse_front_matter

    newest = max((content / "news").rglob("*.md"), key=lambda path: (path.parent.name, path.name))
    fields, _ = parse_front_matter(newest.read_text(encoding="utf-8"))
    return newest, article_url.format(
        date=parse_time(fields["date"].value, ZoneInfo(timezone)), slug=fields["slug"].value
    )


def save(path: pathlib.Path, data: bytes) -> None:
    """Save as many editors do, a new file renamed over the old: a content tree that is a hard-link
    copy of another (`cp -al`, as for the shared ten-year site) is never written through."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def modified_ns(path: pathlib.Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    parser.add_argument("--output", default=None, help="folder to build into (default: the settings' output/)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the first build")
    parser.add_argument("--saves", type=int, default=3, help="saves to time, each after the last has caught up")
    args = parser.parse_args(argv)
    from pelican.settings import read_settings

    settings = read_settings(args.settings)
    content = pathlib.Path(settings["PATH"])
    article, url_path = article_to_change(content, settings["ARTICLE_URL"], settings["TIMEZONE"])
    port = free_port()
    command = [sys.executable, "-m", "invoke", "serve", "--port", str(port), "--settings", args.settings]
    if args.output:
        command += ["--output", args.output]
    # `invoke serve` writes its build report beside the folder it serves: its mtime says a rebuild ended.
    report = pathlib.Path(f"{os.path.abspath(args.output) if args.output else ROOT / 'output'}.build-report.json")
    original = article.read_bytes()
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shown, caught_up = [], []
    try:
        url = f"http://127.0.0.1:{port}/{url_path}"
        first_build_s = wait_for(lambda: fetch(url) is not None, args.timeout, step=0.5)
        if first_build_s is None:
            raise SystemExit(f"预览服务器 {args.timeout:.0f} 秒内没有给出 {url}")
        for _ in range(args.saves):
            time.sleep(3)  # let livereload take its first look at the folders
            # Letters, not digits: a 19-digit time that passes the Luhn check is a bank card number to
            # the personal-data guard, which rightly refuses the save (one run in ten).
            marker = "预览测速" + str(time.time_ns()).translate(DIGITS_AS_LETTERS)
            built_before = modified_ns(report)
            save(article, original + f"\n\n{marker}\n".encode())
            shown.append(wait_for(lambda: marker in (fetch(url) or ""), 300.0))
            caught_up.append(wait_for(lambda: modified_ns(report) != built_before, args.timeout, step=0.2))
        # The article as it was, built, so the next run starts from a finished work folder.
        time.sleep(1)
        built_before = modified_ns(report)
        save(article, original)
        wait_for(lambda: modified_ns(report) != built_before, args.timeout, step=0.5)
    finally:
        if article.read_bytes() != original:
            save(article, original)
        server.terminate()
        server.wait(timeout=30)

    def rounded(values):
        return [round(value, 2) if value is not None else None for value in values]

    figures = {
        "site": str(content),
        "article": str(article.relative_to(content)),
        "first_build_s": round(first_build_s, 2),
        "preview_one_article_s": rounded(shown)[0] if shown else None,
        "preview_one_article_s_each": rounded(shown),
        "caught_up_s_each": rounded(caught_up),
    }
    print(f"{'measurement':<30}{'seconds':>24}")
    print(f"{'first build (serve start)':<30}{figures['first_build_s']:>24}")
    print(f"{'preview_one_article_s':<30}{str(figures['preview_one_article_s_each']):>24}")
    print(f"{'every page caught up':<30}{str(figures['caught_up_s_each']):>24}")
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main()
