"""Static checks that the page never turns data into markup (docs/ARCHITECTURE.md,
"Security rules the code keeps").

1. No raw HTML: `unsafe_allow_html`, `st.html`, `components.html` (v1) or any `.html(...)`
   call appears nowhere in the front end, except in the one audited module `explorer/web/text.py`
   (which has none today either). The graph component's `html=` is its static asset file.
2. No Markdown from data: every argument that Streamlit renders as Markdown (bodies, labels,
   help, captions, toasts, progress text, radio/pills option labels) is built only from string
   constants, numbers with a format spec, and calls of the escaping helpers. A value that is
   neither (an attribute of a concept, a session value, an exception's message) fails the test.
   A function's own parameter counts as built by its callers: `concept_button(label, ...)`
   escapes `label` inside, which this test checks in the callee.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from explorer.settings import PROJECT_ROOT
from explorer.web import text

WEB = PROJECT_ROOT / "explorer" / "web"
AUDITED = WEB / "text.py"
FRONT_END = sorted(WEB.rglob("*.py")) + [PROJECT_ROOT / "streamlit_app.py"]

# Streamlit calls whose text renders Markdown, and which arguments carry that text
# (positional index or keyword). `format_func` is checked where options render Markdown.
MARKDOWN_ARGS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    **{fn: ((0,), ("body", "help")) for fn in (
        "markdown", "caption", "subheader", "header", "title", "info", "warning", "error",
        "success", "write")},
    "toast": ((0,), ("body",)),
    "progress": ((), ("text",)),
    "expander": ((0,), ("label",)),
    "popover": ((0,), ("label", "help")),
    **{fn: ((0,), ("label", "help", "format_func", "captions")) for fn in (
        "radio", "pills", "segmented_control")},
    **{fn: ((0,), ("label", "help", "placeholder")) for fn in (
        "button", "download_button", "link_button", "form_submit_button", "selectbox",
        "multiselect", "text_input", "text_area", "slider", "select_slider", "checkbox",
        "toggle", "number_input", "metric", "tabs")},
}
SAFE_CALLS = {"md_escape", "plain", "md_link", "defuse", "len", "legend", "evidence_links"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    shown = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path.name
    return f"{shown}:{node.lineno}"


def raw_html_uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
            found.append(f"{_where(path, node.value)} unsafe_allow_html")
        elif isinstance(node, ast.keyword) and node.arg == "html" and not (
                path.parent.name == "component" and isinstance(node.value, ast.Name)
                and node.value.id == "_HTML"):
            found.append(f"{_where(path, node.value)} html= from something other than the "
                         "component's static asset")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "html"):
            found.append(f"{_where(path, node)} .html(...)")
        elif isinstance(node, ast.ImportFrom) and node.module and "components.v1" in node.module:
            found.append(f"{_where(path, node)} import from {node.module}")
    return found


class _Scope:
    """Which local names of one function hold text known to be safe for Markdown."""

    def __init__(self, fn: ast.FunctionDef | ast.Module, outer: _Scope | None = None):
        args = fn.args if isinstance(fn, ast.FunctionDef) else None
        self.params = {a.arg for a in (args.args + args.kwonlyargs)} if args else set()
        self.safe: set[str] = set(outer.safe | outer.params) if outer else set()
        assigned: dict[str, list[ast.expr]] = {}
        for node in _own_nodes(fn):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        assigned.setdefault(t.id, []).append(node.value)
            elif isinstance(node, ast.NamedExpr):
                assigned.setdefault(node.target.id, []).append(node.value)
        changed = True
        while changed:  # a name is safe when every assignment to it is
            changed = False
            for name, values in assigned.items():
                if name not in self.safe and all(self.is_safe(v) for v in values):
                    self.safe.add(name)
                    changed = True

    def is_safe(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return node.id in self.safe or node.id in self.params
        if isinstance(node, ast.JoinedStr):
            return all(isinstance(v, ast.Constant) or (v.format_spec is not None
                       and v.conversion == -1) or self.is_safe(v.value) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            return node.format_spec is not None or self.is_safe(node.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            return self.is_safe(node.left) and self.is_safe(node.right)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            return isinstance(node.left, ast.Constant)  # "s" * (n != 1)
        if (isinstance(node, ast.Attribute) and node.attr == "get"
                and isinstance(node.value, ast.Name) and node.value.id.isupper()):
            return True  # a module constant table's lookup, such as VIEW_LABELS.get
        if isinstance(node, ast.IfExp):
            return self.is_safe(node.body) and self.is_safe(node.orelse)
        if isinstance(node, ast.Lambda):
            inner = _Scope.__new__(_Scope)
            inner.params, inner.safe = set(), self.safe
            return inner.is_safe(node.body)
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", None)
            if name in SAFE_CALLS:
                return True
            if (name == "join" and isinstance(fn, ast.Attribute) and self.is_safe(fn.value)
                    and len(node.args) == 1):
                arg = node.args[0]
                if isinstance(arg, ast.GeneratorExp | ast.ListComp):
                    return self.is_safe(arg.elt)
                return self.is_safe(arg)
            if name == "get" and isinstance(fn, ast.Attribute) and isinstance(
                    fn.value, ast.Name) and fn.value.id.isupper():
                return True  # a module constant table such as KIND_LABEL or VIEW_LABELS
        return False


def _own_nodes(fn: ast.AST):
    """The nodes of `fn`'s body, not descending into functions defined inside it."""
    todo = list(ast.iter_child_nodes(fn))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            todo.extend(ast.iter_child_nodes(node))


def _scopes(fn: ast.AST, outer: _Scope | None = None):
    scope = _Scope(fn, outer)
    yield fn, scope
    for node in _own_nodes(fn):
        if isinstance(node, ast.FunctionDef):
            yield from _scopes(node, scope)


NOT_STREAMLIT = {"state", "component", "resources", "app"}  # our modules with write() and such


def markdown_from_data(path: Path) -> list[str]:
    found = []
    for fn, scope in _scopes(_tree(path)):
        for node in _own_nodes(fn):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in MARKDOWN_ARGS):
                continue
            if isinstance(node.func.value, ast.Name) and node.func.value.id in NOT_STREAMLIT:
                continue
            positions, keywords = MARKDOWN_ARGS[node.func.attr]
            checked = [node.args[i] for i in positions if i < len(node.args)]
            checked += [k.value for k in node.keywords if k.arg in keywords]
            for arg in checked:
                if not scope.is_safe(arg):
                    found.append((arg.lineno, f"{_where(path, arg)} {node.func.attr}(): "
                                              f"{ast.unparse(arg)[:80]}"))
    return [message for _, message in sorted(set(found))]


@pytest.mark.parametrize("path", FRONT_END, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_no_raw_html_outside_the_audited_module(path):
    if path == AUDITED:
        return
    assert raw_html_uses(path) == []


def test_the_audited_module_has_no_raw_html_either():
    assert raw_html_uses(AUDITED) == []


@pytest.mark.parametrize("path", FRONT_END, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_no_markdown_from_data(path):
    assert markdown_from_data(path) == []


def test_the_checks_catch_what_they_look_for(tmp_path):
    """Each check fails on a file that does the thing it forbids (so neither passes vacuously)."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import streamlit as st\n"
        "from streamlit.components.v1 import html\n"
        "def view(app, concept):\n"
        "    st.markdown(concept.name, unsafe_allow_html=True)\n"
        "    st.html(concept.summary)\n"
        "    note = st.session_state.pop('surprise')\n"
        "    st.toast(note)\n"
        "    st.subheader(f'Decisions: {app.goal_name(concept.goal)}')\n"
        "    st.caption(f'{concept.layer} · {concept.hours:g} h')\n"
        "    st.pills('x', [1], format_func=lambda c: app.name(c))\n"
        "    st.markdown(f'ok {len(concept.aliases)} {text.md_escape(concept.name)}')\n")
    assert len(raw_html_uses(bad)) == 3
    flagged = markdown_from_data(bad)
    assert [f.split(" ", 1)[1] for f in flagged] == [
        "markdown(): concept.name", "toast(): note",
        "subheader(): f'Decisions: {app.goal_name(concept.goal)}'",
        "caption(): f'{concept.layer} · {concept.hours:g} h'",
        "pills(): lambda c: app.name(c)"]


def test_the_helper_defuses_markdown_links_icons_and_autolinks():
    s = text.md_escape("![](http://127.0.0.1:9/b) [j](javascript:x) :material/home: "
                       "www.a.org a@b.co :red[x] <img src=x>\nline")
    for pattern in ("![](", "](", "http://", ":material/", "www.", "a@b", ":red[", "\n"):
        assert pattern not in s
    assert "\\<img" in s
