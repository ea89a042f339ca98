"""A Pelican generator that writes its pages one call each: template, where to save, URL and the page's own fields."""

from __future__ import annotations

from pelican.generators import Generator


class PageGenerator(Generator):
    """Every page goes through Pelican's writer, so RELATIVE_URLS and overwrite protection keep working."""

    def write_page(self, writer, template: str, save_as: str, url: str, **fields) -> None:
        writer.write_file(
            save_as,
            self.get_template(template),
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS"),
            url=url,
            **fields,
        )
