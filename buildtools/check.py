"""`invoke check`: every content check the build runs (Markdown and the disclosure CSV files), without building, every problem at once.

Prints `file:line:column: what is wrong; what is expected` per problem and exits 1 if there are any.
"""

from __future__ import annotations

import argparse
import sys

from pelican.settings import read_settings


def all_problems(settings: dict) -> list:
    from plugins.content_checks.content_checks import content_problems
    from plugins.personal_data_guard.guard import personal_data_problems
    from plugins.power_list.power_list import read_power_list
    from plugins.problem_list.problem_list import read_problem_list
    from plugins.safe_html.safe_html import unsafe_html_problems
    from plugins.village_disclosure.village_disclosure import read_village_data

    problems = content_problems(settings) + personal_data_problems(settings) + unsafe_html_problems(settings)
    problems += read_village_data(settings["PATH"], settings)[-1]
    problems += read_power_list(settings["PATH"], settings)[-1]
    problems += read_problem_list(settings["PATH"], settings)[-1]
    return sorted(set(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="检查醴陵新闻的稿件和数据（不构建网站）")
    parser.add_argument("--settings", default="pelicanconf.py")
    args = parser.parse_args(argv)
    settings = read_settings(args.settings)
    problems = all_problems(settings)
    for problem in problems:
        print(problem)
    if problems:
        print(f"共 {len(problems)} 处问题，请修改以上文件后重新检查。", file=sys.stderr)
        return 1
    print("检查通过：没有发现问题。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
