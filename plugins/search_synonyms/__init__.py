from .search_synonyms import register  # noqa: F401
