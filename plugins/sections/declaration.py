"""Read the sections an editor declares in content/sections.toml into Section models.

The file is the one place a section is named: its slug (the web address), its Chinese name,
a description, and the article categories (and optionally tags) that feed it. The order of
the [[sections]] blocks is the order of the navigation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plugins.portal_data import DataError
from plugins.portal_data.codes import code_problem, is_code
from plugins.portal_data.positions import toml_key_position, toml_table_lines
from plugins.portal_data.toml_source import parse_toml

KNOWN_KEYS = {"slug", "name", "description", "categories", "tags", "sample_data"}


@dataclass
class Section:
    slug: str
    name: str
    description: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    order: int  # 0-based position in the declaration
    sample_data: bool = False  # its pages show invented data: lists carry the 示例数据 notice
    url: str = ""
    save_as: str = ""
    feed_url: str = ""
    feed_save_as: str = ""
    entries: list = field(default_factory=list)  # SectionEntry, lead first then newest first
    front_entries: list = field(default_factory=list)

    @property
    def lead(self):
        return self.entries[0] if self.entries else None

    @property
    def updated(self):
        return max((entry.date for entry in self.entries), default=None)


def _string_list(value) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value):
        return tuple(item.strip() for item in value)
    return None


def _check_block(raw: dict, where, path: str) -> list[DataError]:
    """Problems in one [[sections]] block; `where(key)` gives (line, column) for a key."""
    errors = []

    def error(key, code, message):
        line, column = where(key)
        errors.append(DataError(path, line, column, code, message))

    for key in sorted(set(raw) - KNOWN_KEYS):
        error(key, "unknown-key", f"不认识的设置“{key}”；每个栏目可写：" + "、".join(sorted(KNOWN_KEYS)))
    slug = raw.get("slug")
    if not isinstance(slug, str) or not is_code(slug):
        error("slug", "bad-slug", f"slug {code_problem(str(slug or ''), 'yaowen')}")
    if not isinstance(raw.get("name"), str) or not raw.get("name", "").strip():
        error("name", "missing-name", '缺少栏目名称；请写 name = "要闻" 这样的一行')
    if not isinstance(raw.get("sample_data", False), bool):
        error("sample_data", "bad-sample-data", "sample_data 应写 true 或 false（不加引号）")
    if not isinstance(raw.get("description", ""), str):
        error("description", "bad-description", "description 应是一句用引号括起来的话")
    for key in ("categories", "tags"):
        if key in raw and _string_list(raw[key]) is None:
            error(key, f"bad-{key}", f'{key} 应写成 ["要闻", "时政"] 这样的列表')
    return errors


def parse_sections(text: str, path: str) -> tuple[list[Section], list[DataError]]:
    """Sections in declared order, or the problems that stop the file from being used."""
    document, errors = parse_toml(text, path, "bad-toml", "文件格式有误（{problem}）；请检查引号、等号和方括号是否成对")
    if document is None:
        return [], errors
    raw_sections = document.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        return [], [DataError(path, 1, 0, "no-sections", "没有声明任何栏目；每个栏目以一行 [[sections]] 开头")]

    starts = toml_table_lines(text, "sections")
    sections, errors = [], []
    owner_of_category: dict[str, str] = {}
    seen_slugs: set[str] = set()
    for index, raw in enumerate(raw_sections):
        start = starts[index] if index < len(starts) else 1

        def where(key, start=start):
            return toml_key_position(text, start, key)

        block_errors = _check_block(raw, where, path)
        errors.extend(block_errors)
        if block_errors:
            continue
        slug, name = raw["slug"], raw["name"].strip()
        if slug in seen_slugs:
            errors.append(
                DataError(
                    path, *where("slug"), "duplicate-slug", f"slug “{slug}”已被前面的栏目使用；每个栏目的 slug 应不同"
                )
            )
            continue
        seen_slugs.add(slug)
        categories = _string_list(raw.get("categories", [])) or ()
        for category in categories:
            if category in owner_of_category:
                errors.append(
                    DataError(
                        path,
                        *where("categories"),
                        "duplicate-category",
                        f"分类“{category}”已归入栏目“{owner_of_category[category]}”；一个分类只能归入一个栏目",
                    )
                )
            owner_of_category[category] = name
        sections.append(
            Section(
                slug=slug,
                name=name,
                description=raw.get("description", "").strip(),
                categories=categories,
                tags=_string_list(raw.get("tags", [])) or (),
                order=len(sections),
                sample_data=raw.get("sample_data", False),
            )
        )
    return sections, errors


def load_sections(path: str, shown_path: str) -> tuple[list[Section], list[DataError]]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except FileNotFoundError:
        return [], [DataError(shown_path, 0, 0, "missing-file", "找不到栏目声明文件；请按 README 中“栏目”一节创建它")]
    except UnicodeDecodeError:
        return [], [DataError(shown_path, 1, 0, "bad-encoding", "栏目声明文件应以 UTF-8 编码保存")]
    return parse_sections(text, shown_path)
