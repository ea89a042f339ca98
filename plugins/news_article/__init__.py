from .news_article import register  # noqa: F401
