"""Which characters are Han, for everything that must split Chinese text the same way: the search
documents (buildtools/search_text.py: bigrams of each Han run) and the check of the search synonyms
(plugins/search_synonyms: a word the search can look up). theme/static/js/search.js holds the same
ranges for the browser.
"""

# CJK Unified Ideographs with Extension A, the compatibility ideographs, and Extensions B and on.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
