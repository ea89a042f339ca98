"""How long `invoke serve` takes to show a saved article: start the preview server, change one
article's body, and time until the server hands out the page with the change.

    python -m benchmarks.preview_bench                      # the real site (content/)
    python -m benchmarks.preview_bench --settings benchmarks/work/oursconf.py --output benchmarks/work/out-preview

The article's file is restored afterwards. The figure is the wall time from the save to the first
response holding the new text: the rebuild livereload starts, plus its polling of the folders (the
browser's reload after livereload's notice adds one page load on top). Prints a table and a last
JSON line, like the other benchmarks.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent


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


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    parser.add_argument("--output", default=None, help="folder to build into (default: the settings' output/)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the first build")
    args = parser.parse_args(argv)
    from pelican.settings import read_settings

    settings = read_settings(args.settings)
    content = pathlib.Path(settings["PATH"])
    article, url_path = article_to_change(content, settings["ARTICLE_URL"], settings["TIMEZONE"])
    port = free_port()
    command = [sys.executable, "-m", "invoke", "serve", "--port", str(port), "--settings", args.settings]
    if args.output:
        command += ["--output", args.output]
    original = article.read_bytes()
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/{url_path}"
        first_build_s = wait_for(lambda: fetch(url) is not None, args.timeout, step=0.5)
        if first_build_s is None:
            raise SystemExit(f"预览服务器 {args.timeout:.0f} 秒内没有给出 {url}")
        time.sleep(3)  # let livereload take its first look at the folders
        marker = f"预览测速{time.time_ns()}"
        article.write_bytes(original + f"\n\n{marker}\n".encode())
        preview_s = wait_for(lambda: marker in (fetch(url) or ""), 120.0)
    finally:
        article.write_bytes(original)
        server.terminate()
        server.wait(timeout=30)
    figures = {
        "site": str(content),
        "article": str(article.relative_to(content)),
        "first_build_s": round(first_build_s, 2),
        "preview_one_article_s": round(preview_s, 2) if preview_s is not None else None,
    }
    print(f"{'measurement':<28}{'seconds':>10}")
    print(f"{'first build (serve start)':<28}{figures['first_build_s']:>10}")
    print(f"{'preview_one_article_s':<28}{str(figures['preview_one_article_s']):>10}")
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main()
