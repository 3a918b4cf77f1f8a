"""The hostile fixture graph validates (every payload sits within the loader's limits), and what
the loader must refuse outright is refused with its file and line: 100 KB texts, NUL and other
control characters, `javascript:` and `data:` reference URLs."""

from __future__ import annotations

import shutil

import pytest

from explorer.domain.loader import TEXT_LIMITS, GraphError, load_graph
from explorer.settings import PROJECT_ROOT

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "hostile"


def test_the_hostile_fixture_validates_with_texts_at_the_limits():
    graph = load_graph(FIXTURE)
    assert len(graph.concepts) == 7 and len(graph.decisions) == 2
    longest = max(len(c.summary) for c in graph.concepts.values())
    assert longest == TEXT_LIMITS["summary"]
    assert max(len(c.details) for c in graph.concepts.values()) == TEXT_LIMITS["details"]
    texts = " ".join(c.summary + c.hook for c in graph.concepts.values())
    for payload in ("<script>", "onerror=", "javascript:", "![beacon](", ":material/",
                    "www.", "\u202e", "$\\href"):
        assert payload in texts, payload


@pytest.mark.parametrize(("field", "value", "message"), [
    ("summary", "'" + "x" * 100_000 + "'", "is 100000 characters; the limit is 1200"),
    ("summary", '"before\\0after"', "contains control characters"),
    ("hook", '"bell\\x07"', "contains control characters"),
    ("references", "[{title: t, url: 'javascript:window.__pwned=1'}]", "must start with http"),
    ("references", "[{title: t, url: 'data:text/html,<script>x</script>'}]",
     "must start with http"),
])
def test_what_the_loader_refuses_is_refused_with_file_and_line(tmp_path, field, value, message):
    data = shutil.copytree(FIXTURE, tmp_path / "graph")
    path = data / "concepts" / "hardware.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"- id: extra\n  name: Extra\n"
                    f"  layer: hardware\n  summary: ok\n  {field}: {value}\n", encoding="utf-8")
    if field == "summary":
        path.write_text(path.read_text(encoding="utf-8").replace("  summary: ok\n", ""),
                        encoding="utf-8")
    with pytest.raises(GraphError) as err:
        load_graph(data)
    located = [str(p) for p in err.value.problems if message in str(p)]
    assert located and "concepts/hardware.yaml:" in located[0], err.value.problems
