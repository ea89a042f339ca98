"""`invoke check`: the build's own reading, with every plugin, stopped before anything is written.

Every problem a build refuses content for (front matter, dates, sections, editions, ledgers, the
power list, the problem list, personal data, unsafe HTML, links, paths) is found while Pelican
reads, so this runs exactly that (buildtools/stages.run_pelican with write=False) instead of a
list of checks of its own that could drift from the build's. Prints each problem once as
`file:line:column: what is wrong; what to do` and exits 1 if there are any.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from buildtools.settings import runner_settings
from buildtools.stages import load_settings, run_pelican


def all_problems(settings: dict) -> list[str]:
    """Every problem the build would refuse, one line each, found the way the build finds them:
    a wrong build setting first (the build stops there too), then everything the reading finds."""
    try:
        runner_settings(settings)
    except ValueError as exc:
        return [f"设置有误：{exc}"]
    with tempfile.TemporaryDirectory(prefix="liling-check-") as unused_output:
        # Reading writes nothing; the output folder is one nobody serves, in case a plugin ever did.
        reading = {**settings, "OUTPUT_PATH": os.path.join(unused_output, "output"), "DELETE_OUTPUT_DIRECTORY": False}
        problems, _warnings = run_pelican(reading, write=False)
    return list(dict.fromkeys(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="检查醴陵新闻的稿件和数据（不构建网站）")
    parser.add_argument("--settings", default="pelicanconf.py")
    args = parser.parse_args(argv)
    problems = all_problems(load_settings(args.settings))
    for problem in problems:
        print(problem)
    sys.stdout.flush()  # the problems, then the count on stderr, in that order in a terminal
    if problems:
        print(f"共 {len(problems)} 处问题，请修改以上文件后重新检查。", file=sys.stderr)
        return 1
    print("检查通过：没有发现问题。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
