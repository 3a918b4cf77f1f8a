"""One broken graph per defect: each problem names its file, line and concept, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.domain.loader import MAX_FILE_BYTES, GraphError, load_graph


def append(path: Path, text: str) -> int:
    """Append YAML to a file; return the line the appended text starts on."""
    before = path.read_text()
    path.write_text(before.rstrip("\n") + "\n" + text)
    return before.rstrip("\n").count("\n") + 2


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(GraphError) as info:
        load_graph(data_dir)
    return [str(p) for p in info.value.problems]


def test_tiny_graph_loads(tiny_graph):
    assert len(tiny_graph.concepts) == 8
    adam = tiny_graph.concepts["adam"]
    assert adam.requires[0].id == "momentum" and adam.requires[0].why
    assert adam.source.file == "concepts/optimization.yaml"
    assert adam.maturity_at(2020) == pytest.approx(0.2 + 0.3 * 5 / 11)


def test_duplicate_id_after_normalisation(tiny_dir):
    line = append(tiny_dir / "concepts/physics.yaml",
                  "- {id: ' Adam', name: Another Adam, layer: physics, summary: dup}\n")
    msgs = problems(tiny_dir)
    assert any(f"concepts/physics.yaml:{line}: Adam: duplicate id" in m
               and "concepts/optimization.yaml" in m for m in msgs), msgs


def test_dangling_reference(tiny_dir):
    line = append(tiny_dir / "concepts/physics.yaml", """- id: diode
  name: Diode
  layer: physics
  summary: One-way valve for current.
  requires: [{id: pn-junction, why: "a diode is one"}]
""")
    msgs = problems(tiny_dir)
    assert f"concepts/physics.yaml:{line}: diode: requires unknown concept 'pn-junction'" in msgs


def test_cycle_is_printed_as_a_path(tiny_dir):
    path = tiny_dir / "concepts/optimization.yaml"
    path.write_text(path.read_text().replace(
        "built_on: [{id: autodiff, why: \"Frameworks compute the gradient by autodiff.\"}]",
        "requires: [{id: adam, why: circular}]"))
    msgs = problems(tiny_dir)
    cycle = [m for m in msgs if "cycle in requires" in m]
    assert cycle and "adam → momentum → gradient-descent → adam" in cycle[0], msgs
    assert cycle[0].startswith("concepts/optimization.yaml:")


def test_unknown_layer_and_missing_fields(tiny_dir):
    line = append(tiny_dir / "concepts/physics.yaml",
                  "- {id: quark, name: Quark, layer: particle-physics, summary: Small.}\n"
                  "- {id: nameless, layer: physics}\n")
    msgs = problems(tiny_dir)
    assert f"concepts/physics.yaml:{line}: quark: unknown layer 'particle-physics'" in msgs
    assert f"concepts/physics.yaml:{line + 1}: nameless: missing required field 'name'" in msgs
    assert f"concepts/physics.yaml:{line + 1}: nameless: missing required field 'summary'" in msgs


def test_numbers_out_of_range(tiny_dir):
    line = append(tiny_dir / "concepts/physics.yaml", """- id: diode
  name: Diode
  layer: physics
  summary: One-way valve for current.
  maturity: {1960: 1.5, 3000: 0.2}
  effort_hours: -2
""")
    msgs = [m for m in problems(tiny_dir) if m.startswith(f"concepts/physics.yaml:{line}: diode")]
    assert any("maturity in 1960 is 1.5" in m for m in msgs), msgs
    assert any("maturity year is 3000" in m for m in msgs), msgs
    assert any("effort_hours is -2" in m for m in msgs), msgs


def test_decision_problems(tiny_dir):
    line = append(tiny_dir / "decisions.yaml", """- id: pick-gpu
  text: Which GPU?
  kind: shopping
  frequency: {build: 2, astronaut: 0.1}
  informed_by: [{id: tpu, strength: 0.5, why: "?"}]
""")
    msgs = [m for m in problems(tiny_dir) if m.startswith(f"decisions.yaml:{line}: pick-gpu")]
    text = "\n".join(msgs)
    for part in ("unknown kind 'shopping'", "frequency for build is 2",
                 "unknown goal 'astronaut'", "informed_by unknown concept 'tpu'"):
        assert part in text, text


def test_all_problems_reported_at_once(tiny_dir):
    append(tiny_dir / "concepts/physics.yaml",
           "- {id: a-thing, name: A, layer: nowhere, summary: x, requires: [{id: ghost}]}\n"
           "- {id: Bad_Id, name: B, layer: physics, summary: y}\n")
    msgs = problems(tiny_dir)
    assert len(msgs) >= 3
    assert any("kebab-case" in m for m in msgs)


def test_yaml_syntax_error_names_the_line(tiny_dir):
    path = tiny_dir / "concepts/hardware.yaml"
    path.write_text(path.read_text() + "- id: broken\n  name: [unclosed\n")
    msgs = problems(tiny_dir)
    assert any(m.startswith("concepts/hardware.yaml:") and "YAML syntax error" in m
               for m in msgs), msgs


def test_oversize_file_and_text(tiny_dir):
    (tiny_dir / "concepts/huge.yaml").write_text("# pad\n" * (MAX_FILE_BYTES // 6 + 10))
    append(tiny_dir / "concepts/physics.yaml",
           f"- {{id: long, name: '{'x' * 500}', layer: physics, summary: s}}\n")
    msgs = problems(tiny_dir)
    assert any(m.startswith("concepts/huge.yaml:1: file is") for m in msgs), msgs
    assert any("long: 'name' is 500 characters" in m for m in msgs), msgs


def test_hostile_yaml_tags_are_refused(tiny_dir):
    path = tiny_dir / "concepts/physics.yaml"
    path.write_text("- !!python/object/apply:os.system ['echo pwned']\n")
    msgs = problems(tiny_dir)
    assert any("concepts/physics.yaml:1" in m for m in msgs), msgs


def test_control_characters_and_bad_urls(tiny_dir):
    append(tiny_dir / "concepts/physics.yaml", """- id: diode
  name: "Di\\x07ode"
  layer: physics
  summary: s
  references: [{title: T, url: "javascript:alert(1)"}]
""")
    msgs = problems(tiny_dir)
    assert any("control characters" in m for m in msgs)
    assert any("must start with http:// or https://" in m for m in msgs)


def test_missing_folder_and_files(tmp_path):
    assert "not a folder" in problems(tmp_path / "nope")[0]
    msgs = problems(tmp_path)
    assert any("layers.yaml" in m for m in msgs) and any("concepts/" in m for m in msgs)


def test_introduced_year_is_read_and_checked(tiny_dir):
    path = tiny_dir / "concepts/optimization.yaml"
    text = path.read_text().replace("  effort_hours: 3\n  requires:\n",
                                    "  effort_hours: 3\n  introduced: 2014\n  requires:\n")
    path.write_text(text)
    assert load_graph(tiny_dir).concepts["adam"].introduced == 2014
    path.write_text(path.read_text().replace("introduced: 2014", "introduced: 3014"))
    assert any("adam: introduced is 3014" in m for m in problems(tiny_dir))


def test_evidence_must_be_public_http_threads(tiny_dir) -> None:
    path = tiny_dir / "decisions.yaml"
    path.write_text(path.read_text().replace(
        'url: "https://example.org/threads/1"', 'url: "javascript:alert(1)"'))
    msgs = problems(tiny_dir)
    where = "decisions.yaml:11: training-diverges: evidence url"
    assert any(m.startswith(where) for m in msgs), msgs
