"""Errors as values with a position, so every problem in a build can be reported at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pelican import signals


@dataclass(frozen=True, order=True)
class DataError:
    """One problem in an editor's file.

    `line` and `column` count from 1 as an editor sees them in a text editor or in
    Excel (column 1 is the first cell); 0 means "the whole file" or "the whole line".
    `code` is a short hyphenated name tests can assert on; `message` speaks the
    editor's language and says what was expected.
    """

    path: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class ContentError(Exception):
    """Raised at the end of a generator's work when editors' files had problems.

    Carries every problem found, sorted by position, so the build reports them all together.
    """

    exitcode = 1

    def __init__(self, errors: Iterable[DataError]):
        # Two plugins reading one shared file (villages.csv) report its problems once.
        self.errors = sorted(set(errors))
        super().__init__(self.report())

    def __reduce__(self):
        # Pickled whole (a build's worker process sends it to the build): rebuilt from its errors.
        return (type(self), (self.errors,))

    def report(self) -> str:
        lines = [str(error) for error in self.errors]
        lines.append(f"共 {len(self.errors)} 处问题，请修改以上文件后重新构建。")
        return "\n".join(lines)


def raise_if_any(errors: Iterable[DataError]) -> None:
    """Fail the build with every collected problem, or return quietly when there are none."""
    errors = list(errors)
    if errors:
        raise ContentError(errors)


PROBLEMS_KEY = "content_problems"


def collect_problems(context: dict, errors: Iterable[DataError]) -> None:
    """Keep problems in the build's shared context, so every plugin's findings are reported together."""
    context.setdefault(PROBLEMS_KEY, []).extend(errors)


def raise_collected_problems(generators) -> None:
    """all_generators_finalized: every file has been read and checked, nothing written yet.

    Plugins that collect problems connect this in their register(); blinker keeps one
    connection however many plugins connect it.
    """
    if generators:
        raise_if_any(generators[0].context.get(PROBLEMS_KEY, []))


def connect_source_check(check_sources, ahead=None) -> None:
    """For a plugin that checks editors' source files: run `check_sources(generator)` once every
    article and page has been read and nothing is written (page_generator_finalized), and fail the
    build with every plugin's collected problems when all generators are done.

    `ahead(settings)`, when given, is the check's own work, depending on the settings and the files
    alone: the build runner may run it ahead in a worker while Pelican reads, and `check_sources`
    takes its result with `source_checks.problems_found(generator, ahead)`.

    Both must be module-level functions: signals hold their handlers weakly.
    """
    signals.page_generator_finalized.connect(check_sources)
    signals.all_generators_finalized.connect(raise_collected_problems)
    if ahead is not None:
        from .source_checks import connect_ahead

        connect_ahead(ahead)
