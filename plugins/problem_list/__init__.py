from .problem_list import register  # noqa: F401
