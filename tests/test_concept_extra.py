"""`extra` on a concept: attributes an imported graph brought, loaded and checked by the loader."""

from __future__ import annotations

import pytest

from explorer.domain.loader import GraphError, load_graph


def add_concept(folder, body: str) -> None:
    path = folder / "concepts" / "optimization.yaml"
    path.write_text(path.read_text() + body)


def test_extra_is_loaded_sorted_as_text(tiny_dir):
    add_concept(tiny_dir, "- {id: lbfgs, name: L-BFGS, layer: optimization, summary: Quasi-"
                          "Newton., extra: {'Modularity Class': 3, colour: red}}\n")
    c = load_graph(tiny_dir).concepts["lbfgs"]
    assert c.extra == (("Modularity Class", "3"), ("colour", "red"))
    assert c.to_dict()["extra"] == {"Modularity Class": "3", "colour": "red"}
    assert "extra" not in load_graph(tiny_dir).concepts["adam"].to_dict()


@pytest.mark.parametrize(("extra", "message"), [
    ("[a, b]", "'extra' must map names to text"),
    ("{tags: [a, b]}", "'extra' entry 'tags' must be a name with a text value"),
    ("{note: '" + "x" * 2_001 + "'}", "'extra note' is 2001 characters; the limit is 2000"),
])
def test_bad_extra_is_located(tiny_dir, extra, message):
    add_concept(tiny_dir, f"- id: lbfgs\n  name: L-BFGS\n  layer: optimization\n"
                          f"  summary: Quasi-Newton.\n  extra: {extra}\n")
    with pytest.raises(GraphError) as failed:
        load_graph(tiny_dir)
    problem = next(p for p in failed.value.problems if p.concept == "lbfgs")
    assert problem.file == "concepts/optimization.yaml" and message in problem.message
