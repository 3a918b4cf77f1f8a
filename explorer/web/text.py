"""Show data as text: every string from a graph file or a user goes through here.

This is the one audited module where data meets markup. Streamlit renders Markdown in nearly
every label (markdown, caption, headings, toasts, alerts, buttons, pills, help tooltips,
progress text, expander labels), so a string from data must be defused before it is shown:

- Markdown syntax is backslash-escaped, so no link, image, HTML, emphasis or maths forms;
- escaping is not enough for three rules Streamlit applies to the *text* after unescaping:
  bare URLs and e-mail addresses become links, `:material/x:` codes become icons and
  `:red[x]`-style directives colour text. A word joiner (U+2060, invisible and not a break) is
  put where each would start, so none of them can form.

No HTML is ever built from data: the page has no `unsafe_allow_html`, `st.html` or
`components.html` (a test fails the build if one appears outside this module, and this module
has none either). The graph component sets text nodes, never HTML.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$")
JOINER = "\u2060"  # WORD JOINER: zero width, no line break, breaks a pattern it sits inside
# Where Streamlit's text rules could start: "x:" before a letter or "/" (icons, colours, URL
# schemes), "www." (bare web addresses) and "@" before a letter or digit (e-mail addresses).
_PATTERN_STARTS = re.compile(r"(:)(?=[A-Za-z/])|(?i:(www))(?=\.)|(@)(?=\w)")
_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def defuse(text: str) -> str:
    """Break bare links, `:material/…:` icons and `:colour[…]` directives with a word joiner.

    >>> defuse(":material/home: http://x.org a@b.co www.y.org") == (
    ...     ":\\u2060material/home: http:\\u2060//x.org a@\\u2060b.co www\\u2060.y.org")
    True
    """
    return _PATTERN_STARTS.sub(lambda m: m.group(0) + JOINER, text)


def md_escape(text: str) -> str:
    """`text` made safe to place inside Markdown: it renders literally, on one line.

    >>> md_escape("![x](javascript:alert(1)) <b>")
    '\\\\!\\\\[x\\\\]\\\\(javascript\\\\:\\u2060alert\\\\(1\\\\)\\\\) \\\\<b\\\\>'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", defuse(_BREAKS.sub(" ", str(text))))


plain = md_escape  # the name to use where a widget takes a label rather than a paragraph


def md_link(title: str, url: str | None) -> str:
    """A Markdown link if `url` is plain http(s), else the escaped title alone."""
    if url and _SAFE_URL.match(url):
        return f"[{md_escape(title)}](<{url}>)"
    return md_escape(title)
