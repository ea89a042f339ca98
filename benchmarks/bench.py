"""`invoke bench`: build the synthetic ten-year site each way RESULTS.md compares it, in one run, and measure.

Each build runs in its own child process through a small wrapper that reports the wall time, the
CPU time and the peak resident memory (RUSAGE_CHILDREN maxrss) of that build alone. The last line
printed is one JSON object with the figures; benchmarks/RESULTS.md records them with the machine.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import shutil
import subprocess
import sys

from benchmarks.generate import generate
from benchmarks.sites import REPO, write_hugo_site, write_settings

WRAPPER = """
import json, os, resource, subprocess, sys, threading, time

def _field_kib(path, name):
    with open(path) as handle:
        return next((int(line.split()[1]) for line in handle if line.startswith(name)), 0)

def tree_pids(pid):
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending += [int(child) for child in handle.read().split()]
        except (OSError, ValueError):
            pass
    return pids

def tree_sum_kib(pids, path, name):
    # The sum over a process tree of one /proc field, in KiB: VmRSS in status (a page a forked
    # worker shares with its parent counts in each), or Pss in smaps_rollup (a shared page counts
    # once, split between the processes sharing it).
    total = 0
    for pid in pids:
        try:
            total += _field_kib(f"/proc/{pid}/{path}", name)
        except (OSError, ValueError):
            pass
    return total

started = time.monotonic()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
peak = [0, 0]
def sample():
    # The resident sum every 50 ms (a status read costs microseconds). Pss only when that sum has
    # grown 2% since the last Pss read (at most every 0.2 s) or a second has passed: the kernel
    # walks every page of a process for smaps_rollup, 12 ms for a build's 1 GB process, holding
    # its memory map's lock. Read every 50 ms for three processes, that took most of a core of a
    # two-core machine and stalled the forked workers' page faults: the measuring slowed the build.
    pss_rss, pss_at = 0, 0.0
    while process.poll() is None:
        pids = tree_pids(process.pid)
        rss = tree_sum_kib(pids, "status", "VmRSS:")
        peak[0] = max(peak[0], rss)
        now = time.monotonic()
        if (rss > pss_rss * 1.02 and now - pss_at >= 0.2) or now - pss_at >= 1.0:
            peak[1] = max(peak[1], tree_sum_kib(pids, "smaps_rollup", "Pss:"))
            pss_rss, pss_at = rss, now
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()
_, errors = process.communicate()
sys.stderr.write(errors.decode("utf-8", "replace"))
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": process.returncode, "wall_s": time.monotonic() - started,
                  "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_mib": usage.ru_maxrss / 1024,
                  "tree_peak_mib": peak[0] / 1024, "tree_pss_peak_mib": peak[1] / 1024}))
"""
LEDGER_PAGE = "disclosures/villages/*/[0-9][0-9][0-9][0-9]-[0-9][0-9]/index.html"


def measure(command: list[str], env: dict | None = None) -> dict:
    if shutil.which(command[0]) is None:
        raise SystemExit(
            f"找不到程序 {command[0]}：请先运行 ./scripts/install-test-deps（用 apt-get 安装 Debian 的 hugo 等）"
        )
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if not done.stdout.strip():
        raise SystemExit(f"测量进程没有交回结果：{' '.join(command)}\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["code"]:
        raise SystemExit(f"失败（{figures['code']}）：{' '.join(command)}\n{done.stderr[-3000:]}")
    return figures


def our_build(settings: str, output: str) -> list[str]:
    return [sys.executable, "-m", "buildtools.build", "--settings", settings, "--output", output]


def touch_article(content: str) -> str:
    """Change one sentence of one article, as an editor's correction would."""
    path = sorted(glob.glob(os.path.join(content, "news", "*", "*.md")))[
        len(glob.glob(os.path.join(content, "news", "*"))) // 2
    ]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n（本文有更正。）\n")
    return path


def touch_ledger(content: str, latest: bool = False) -> str:
    """Correct one voucher's amount in one month of one village: by default the earliest month of
    the first village (the worst case: every later month's balances change with it), with
    `latest` the newest month of the last village (what an editor correcting this month does)."""
    path = sorted(glob.glob(os.path.join(content, "disclosures", "finance", "*", "*.csv")))[-1 if latest else 0]
    with open(path, encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()
    cells = lines[1].split(",")
    side = 4 if cells[4] else 5
    cells[side] = f"{float(cells[side]) + 1:.2f}"
    lines[1] = ",".join(cells)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write("\r\n".join(lines) + "\r\n")
    return path


def fresh(output: str) -> str:
    """`output` with nothing left of an earlier build beside it (work folder, report, cache)."""
    for path in (output, f"{output}.work"):
        shutil.rmtree(path, ignore_errors=True)
    if os.path.exists(f"{output}.build-report.json"):
        os.remove(f"{output}.build-report.json")
    return output


def count(pattern: str, root: str) -> int:
    return len(glob.glob(os.path.join(root, pattern)))


def run(work: str, articles: int, villages: int, months: int, power_items: int, profile: bool) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    content = os.path.join(work, "content")
    counts = generate(work, articles, villages, months, power_items)
    settings = write_settings(work, content)
    out = {name: os.path.join(work, f"out-{name}") for name in ("ours", "news", "newshtml", "vanilla", "hugo")}
    figures = {}
    figures["full"] = measure(our_build(settings["ours"], out["ours"]))
    figures["nochange"] = measure(our_build(settings["ours"], out["ours"]))
    # Whether the search step had to re-index (it keeps its index when no page was written or
    # removed).
    nochange_report = json.load(open(f"{out['ours']}.build-report.json", encoding="utf-8"))
    touch_article(content)
    figures["one_article"] = measure(our_build(settings["ours"], out["ours"]))
    touch_ledger(content)
    figures["one_ledger"] = measure(our_build(settings["ours"], out["ours"]))
    one_ledger_report = json.load(open(f"{out['ours']}.build-report.json", encoding="utf-8"))
    touch_ledger(content, latest=True)
    figures["one_ledger_latest"] = measure(our_build(settings["ours"], out["ours"]))
    figures["news"] = measure(our_build(settings["news"], out["news"]))
    # Like for like with vanilla Pelican: each built twice from nothing, interleaved, and the faster
    # run of each kept. The machine is shared; the faster run is the one least disturbed.
    html_runs, vanilla_runs = [], []
    for _ in range(2):
        html_runs.append(measure(our_build(settings["newshtml"], fresh(out["newshtml"]))))
        vanilla_runs.append(
            measure(
                [
                    sys.executable,
                    "-m",
                    "pelican",
                    "-s",
                    settings["vanilla"],
                    "-o",
                    fresh(out["vanilla"]),
                    "-q",
                    "--cache-path",
                    fresh(os.path.join(work, "cache-vanilla")),
                ]
            )
        )
    figures["news_html"] = min(html_runs, key=lambda figure: figure["wall_s"])
    figures["vanilla"] = min(vanilla_runs, key=lambda figure: figure["wall_s"])
    figures["news_html_one_process"] = measure(our_build(settings["newshtml1"], fresh(out["newshtml"])))
    hugo_site = write_hugo_site(work, content)
    figures["hugo"] = measure(["hugo", "--quiet", "-s", hugo_site, "-d", out["hugo"]])
    if profile:
        profile_build(settings["ours"], os.path.join(work, "out-profile"), work)
    report = json.load(open(os.path.join(work, "out-ours.build-report.json"), encoding="utf-8"))
    result = summarise(figures, counts, out, report)
    result["nochange_pages_changed"] = nochange_report["incremental"]["pages_changed"]
    result["phases_one_ledger_s"] = one_ledger_report["phases_s"]
    result["search_one_ledger"] = one_ledger_report.get("search")
    return result


def profile_build(settings: str, output: str, work: str) -> None:
    """A full build under pyinstrument: profile.txt and profile.html beside the work folder."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pyinstrument",
            "-r",
            "text",
            "-o",
            os.path.join(work, "profile.txt"),
            "-m",
            "buildtools.build",
            "--settings",
            settings,
            "--output",
            output,
        ],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def summarise(figures: dict, counts: dict, out: dict, report: dict) -> dict:
    result = {f"{name}_s": round(figure["wall_s"], 2) for name, figure in figures.items()}
    result.update({f"{name}_cpu_s": round(figure["cpu_s"], 2) for name, figure in figures.items()})
    result.update({f"{name}_peak_mib": round(figure["maxrss_mib"], 1) for name, figure in figures.items()})
    # The largest single process (above) understates a build whose workers run beside it: the
    # sum over the build's process tree, sampled every 50 ms, is the memory the machine needs.
    result.update({f"{name}_tree_peak_mib": round(figure["tree_peak_mib"], 1) for name, figure in figures.items()})
    # That sum counts each page a forked worker shares with the build (copy-on-write) once per
    # process; the proportional sum counts it once: what the processes hold between them.
    result.update(
        {f"{name}_tree_pss_peak_mib": round(figure["tree_pss_peak_mib"], 1) for name, figure in figures.items()}
    )
    # Our builds' peak, the search index included (it is written inside the build).
    result["peak_mib"] = max(
        result[f"{name}_{kind}"]
        for name in ("full", "nochange", "one_article", "one_ledger")
        for kind in ("peak_mib", "tree_peak_mib")
    )
    result["articles"] = report["articles"]  # published by the build (generated: articles_generated)
    result["articles_generated"] = counts["articles"]
    result["ledgers"] = counts["ledgers"]
    result["ledger_pages"] = count(LEDGER_PAGE, out["ours"])
    result["pages"] = report["pages"]
    result["machine"] = (
        f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    return result


TABLE = [
    ("full", "our full build (news + disclosures)"),
    ("news", "our build, news part only"),
    ("news_html", "our news part, HTML only (no search/gz)"),
    ("news_html_one_process", "the same, one process (BUILD_WORKERS=1)"),
    ("vanilla", "vanilla Pelican 4.12 (news)"),
    ("hugo", "Hugo 0.111 (news)"),
    ("nochange", "our rebuild, nothing changed"),
    ("one_article", "our rebuild, one article changed"),
    ("one_ledger", "our rebuild, one ledger CSV changed"),
    ("one_ledger_latest", "  the same, the newest month instead"),
]


def print_table(result: dict) -> None:
    print(f"{'measurement':40} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} {'tree MiB':>9} {'tree PSS':>9}")
    for key, label in TABLE:
        if f"{key}_s" in result:
            print(
                f"{label:40} {result[key + '_s']:8.2f} {result[key + '_cpu_s']:8.2f} {result[key + '_peak_mib']:9.0f}"
                f" {result[key + '_tree_peak_mib']:9.0f} {result[key + '_tree_pss_peak_mib']:9.0f}"
            )
    print(
        f"articles {result['articles']}, ledger CSVs {result['ledgers']}, ledger pages built {result['ledger_pages']}, "
        f"pages {result['pages']}, peak memory {result['peak_mib']} MiB"
    )
    print(
        f"ratios (wall): news/vanilla {result['news_s'] / result['vanilla_s']:.2f}, news HTML only/vanilla "
        f"{result['news_html_s'] / result['vanilla_s']:.2f} (one process "
        f"{result['news_html_one_process_s'] / result['vanilla_s']:.2f}), nochange/hugo "
        f"{result['nochange_s'] / result['hugo_s']:.2f}, nochange/full {result['nochange_s'] / result['full_s']:.2f}, "
        f"one_article/full {result['one_article_s'] / result['full_s']:.2f}, one_ledger/full "
        f"{result['one_ledger_s'] / result['full_s']:.2f} (newest month "
        f"{result['one_ledger_latest_s'] / result['full_s']:.2f})"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="十年规模基准测试")
    parser.add_argument("--work", default=os.path.join(REPO, "benchmarks", "work"))
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--villages", type=int, default=270)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--power-items", type=int, default=2_000)
    parser.add_argument("--profile", action="store_true", help="also profile one full build with pyinstrument")
    args = parser.parse_args(argv)
    result = run(os.path.abspath(args.work), args.articles, args.villages, args.months, args.power_items, args.profile)
    print_table(result)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
