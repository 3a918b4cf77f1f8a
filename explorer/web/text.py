"""Show data as text: every string from a graph file goes through here before Markdown."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown so data renders literally (no links, images, HTML or maths).

    >>> md_escape("![x](javascript:alert(1)) <b>")
    '\\\\!\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\) \\\\<b\\\\>'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def md_link(title: str, url: str | None) -> str:
    """A Markdown link if `url` is plain http(s), else the escaped title alone."""
    if url and _SAFE_URL.match(url):
        return f"[{md_escape(title)}](<{url}>)"
    return md_escape(title)
