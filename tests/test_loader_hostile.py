"""Hostile graph folders: each is refused with a located message, cheaply, with no traceback."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from explorer.domain import limits, loader, yaml_safe
from explorer.domain.loader import GraphError, load_graph

PHYSICS = "concepts/physics.yaml"


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(GraphError) as info:
        load_graph(data_dir)
    return [str(p) for p in info.value.problems]


def alias_bomb(levels: int) -> str:
    """A concept whose `requires` names 9**levels strings through nested aliases."""
    lines = ["- id: bomb", "  name: Bomb", "  layer: physics", "  summary: s",
             '  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"  l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join([*lines, f"  requires: *l{levels - 1}"]) + "\n"


def test_alias_bomb_is_refused_before_it_expands(tiny_dir):
    text = alias_bomb(8)  # 472 bytes standing for 43 million strings
    assert len(text) < 600
    (tiny_dir / PHYSICS).write_text(text)
    tracemalloc.start()
    try:
        msgs = problems(tiny_dir)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    bomb = [m for m in msgs if m.startswith(f"{PHYSICS}:")]
    assert len(bomb) == 1 and "alias *l" in bomb[0] and "YAML nodes" in bomb[0], msgs
    assert sum(len(m) for m in msgs) < 2_000  # not a message quoting the expansion
    assert peak < 30_000_000, f"{peak:,} bytes allocated"


def test_recursive_alias_is_refused(tiny_dir):
    (tiny_dir / PHYSICS).write_text("- &a {id: loop, name: L, layer: physics, summary: s, "
                                    "related: [*a]}\n")
    assert any(m.startswith(f"{PHYSICS}:1: alias *a is inside the node it names")
               for m in problems(tiny_dir))


def test_aliases_within_the_budget_are_fine(tiny_dir):
    path = tiny_dir / PHYSICS
    path.write_text(path.read_text().replace("  aliases: [MOSFET]",
                                             "  aliases: &names [MOSFET, FET]", 1)
                    + "  symptoms: *names\n")
    assert load_graph(tiny_dir).concepts["transistor"].aliases == ("MOSFET", "FET")


def test_duplicate_keys_are_located_not_last_wins(tiny_dir):
    path = tiny_dir / PHYSICS
    lines = path.read_text().splitlines()
    assert lines[1] == "  name: Transistor"
    lines.insert(2, "  name: Valve")
    lines[-1] += "\n  requires: [{id: transistor, why: a, why: b}]"
    path.write_text("\n".join(lines) + "\n")
    msgs = problems(tiny_dir)
    assert f"{PHYSICS}:3: duplicate key 'name' (first at line 2); a key may appear once" in msgs
    assert any(m.startswith(f"{PHYSICS}:{len(lines) + 1}: duplicate key 'why'") for m in msgs)


def test_tab_indentation_is_located(tiny_dir):
    path = tiny_dir / PHYSICS
    path.write_text(path.read_text().replace("  layer: physics", "\tlayer: physics", 1))
    assert f"{PHYSICS}:4: a tab in the indentation; YAML indents with spaces only" in \
        problems(tiny_dir)


def test_non_utf8_names_the_line_and_byte(tiny_dir):
    path = tiny_dir / PHYSICS
    lines = path.read_bytes().count(b"\n")
    entry = "- {id: cafe, name: Caf\xe9, layer: physics, summary: s}\n"
    path.write_bytes(path.read_bytes() + entry.encode("latin-1"))
    msgs = problems(tiny_dir)
    assert any(m.startswith(f"{PHYSICS}:{lines + 1}: not UTF-8 text: byte 0xe9 at column 23")
               for m in msgs), msgs


def test_control_character_in_the_stream_is_located(tiny_dir):
    path = tiny_dir / PHYSICS
    path.write_text(path.read_text() + "- {id: nul, name: N\x00, layer: physics, summary: s}\n")
    lines = path.read_text().count("\n")
    assert any(m.startswith(f"{PHYSICS}:{lines}: character #x0000 is not allowed")
               for m in problems(tiny_dir))


@pytest.mark.parametrize(("text", "found"), [
    ("id: x\nname: y\n", "found a mapping"),
    ("just a string\n", "found the str 'just a string'"),
    ("42\n", "found the int 42"),
])
def test_wrong_top_level_type(tiny_dir, text, found):
    (tiny_dir / "goals.yaml").write_text(text)
    assert any(m.startswith("goals.yaml:1: expected a list of entries") and found in m
               for m in problems(tiny_dir))


def test_entries_that_are_not_mappings_name_their_line(tiny_dir):
    path = tiny_dir / PHYSICS
    n = path.read_text().count("\n")
    path.write_text(path.read_text() + "- just text\n- [a, list]\n")
    msgs = problems(tiny_dir)
    assert any(m.startswith(f"{PHYSICS}:{n + 1}: entry ") and "the str 'just text'" in m
               for m in msgs), msgs
    assert any(m.startswith(f"{PHYSICS}:{n + 2}: entry ") and "a list" in m for m in msgs)


@pytest.mark.parametrize("depth", [40, 5_000])
def test_deep_nesting_is_a_located_error_not_a_recursion_error(tiny_dir, depth):
    (tiny_dir / PHYSICS).write_text("- id: deep\n  name: D\n  layer: physics\n  summary: s\n"
                                    "  aliases: " + "[" * depth + "]" * depth + "\n")
    msgs = problems(tiny_dir)  # GraphError, not RecursionError
    assert any(m.startswith(f"{PHYSICS}:5: ") and "nest" in m for m in msgs), msgs


def test_block_nesting_past_the_limit(tiny_dir):
    text = "".join("  " * i + "-\n" for i in range(limits.MAX_YAML_DEPTH + 5))
    (tiny_dir / PHYSICS).write_text(text)
    assert any(m.startswith(PHYSICS) and f"nested more than {limits.MAX_YAML_DEPTH} levels" in m
               for m in problems(tiny_dir))


def test_values_python_cannot_build_are_located(tiny_dir):
    path = tiny_dir / PHYSICS
    n = path.read_text().count("\n")
    path.write_text(path.read_text()
                    + "- {id: when, name: W, layer: physics, summary: s, hook: 2001-13-45}\n"
                    + "- {id: what, name: W, layer: physics, summary: s, effort_hours: "
                    + "!!float abc}\n")
    msgs = problems(tiny_dir)
    assert any(m.startswith(f"{PHYSICS}:{n + 1}: cannot read the value") for m in msgs), msgs


def test_line_numbers_cannot_be_forged_by_a_key(tiny_dir):
    path = tiny_dir / PHYSICS
    n = path.read_text().count("\n")
    path.write_text(path.read_text()
                    + "- {id: forged, name: F, layer: nowhere, summary: s, __line__: 99999}\n")
    assert f"{PHYSICS}:{n + 1}: forged: unknown layer 'nowhere'" in problems(tiny_dir)


def test_huge_values_are_quoted_short(tiny_dir):
    path = tiny_dir / PHYSICS
    path.write_text(path.read_text() + "  requires: [[" + "x, " * 200_000 + "x]]\n")
    msgs = problems(tiny_dir)
    assert any("'requires' entries must be an id" in m for m in msgs)
    assert max(len(m) for m in msgs) < 300


def test_duplicate_goal_and_layer_ids(tiny_dir):
    goals = tiny_dir / "goals.yaml"
    goals.write_text(goals.read_text() + "- {id: build, name: Build again}\n")
    layers = tiny_dir / "layers.yaml"
    n = layers.read_text().count("\n")
    layers.write_text(layers.read_text() + "- {id: physics, name: Physics again}\n")
    msgs = problems(tiny_dir)
    assert "goals.yaml:5: build: duplicate goal id (first defined at goals.yaml:1)" in msgs
    assert f"layers.yaml:{n + 1}: physics: duplicate layer id (first defined at layers.yaml:1)" \
        in msgs


def test_goal_ids_must_be_kebab_case(tiny_dir):
    goals = tiny_dir / "goals.yaml"
    goals.write_text(goals.read_text() + "- {id: 'Build It', name: B}\n")
    assert any("goal id 'Build It' must be kebab-case" in m for m in problems(tiny_dir))


def test_empty_concept_files_are_refused(tiny_dir):
    for path in (tiny_dir / "concepts").glob("*.yaml"):
        path.write_text("")
    (tiny_dir / "decisions.yaml").write_text("")
    assert problems(tiny_dir) == ["concepts/:0: no concepts: every file in concepts/ is empty"]


def test_link_out_of_the_folder_is_refused_and_not_read(tiny_dir, tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text("- {id: secret, name: Secret, layer: physics, summary: leaked}\n")
    (tiny_dir / "concepts/secret.yaml").symlink_to(outside)
    msgs = problems(tiny_dir)
    assert any(m.startswith("concepts/secret.yaml:1: is a link to") and "outside the graph "
               "folder" in m for m in msgs), msgs
    assert not any("secret:" in m for m in msgs)  # its entries were never parsed


def test_link_to_a_device_is_refused(tiny_dir):
    (tiny_dir / "concepts/zero.yaml").symlink_to("/dev/zero")  # reading it would never end
    assert any(m.startswith("concepts/zero.yaml:1: is a link to /dev/zero")
               for m in problems(tiny_dir))


def test_link_inside_the_folder_is_followed(tiny_dir):
    (tiny_dir / "shared").mkdir()
    (tiny_dir / PHYSICS).rename(tiny_dir / "shared/physics.yaml")
    (tiny_dir / PHYSICS).symlink_to(tiny_dir / "shared/physics.yaml")
    assert "transistor" in load_graph(tiny_dir).concepts


def test_dangling_link_and_directory_named_yaml(tiny_dir):
    (tiny_dir / "concepts/gone.yaml").symlink_to(tiny_dir / "nowhere.yaml")
    (tiny_dir / "concepts/folder.yaml").mkdir()
    msgs = problems(tiny_dir)
    assert any(m.startswith("concepts/gone.yaml:1: cannot be read") for m in msgs), msgs
    assert "concepts/folder.yaml:1: is not a regular file" in msgs


def test_folder_over_its_size_limit_is_refused_before_any_parse(tiny_dir, monkeypatch):
    """Twelve files just under the per-file limit (58 MB) took 114 s to validate; now none is
    parsed."""
    for i in range(12):
        path = tiny_dir / f"concepts/big{i:02d}.yaml"
        path.write_text("- {id: big, name: Big, layer: physics, summary: s}\n")
        os.truncate(path, 4_900_000)  # sparse: the size on disk is what the limit reads
    parsed = []
    real = yaml_safe.parse
    monkeypatch.setattr(yaml_safe, "parse", lambda text: parsed.append(1) or real(text))
    msgs = problems(tiny_dir)
    assert any(m.startswith("./:0: the graph's files total 58,8") and
               f"the limit is {limits.MAX_FOLDER_BYTES:,}" in m for m in msgs), msgs
    assert parsed == []


def test_file_over_its_limit_is_refused_unread(tiny_dir):
    path = tiny_dir / "concepts/huge.yaml"
    path.write_text("- {id: huge}\n")
    os.truncate(path, limits.MAX_FILE_BYTES + 1)
    assert any(m.startswith("concepts/huge.yaml:1: file is 5,000,001 bytes")
               for m in problems(tiny_dir))


def test_concept_and_problem_counts_are_bounded(tiny_dir, monkeypatch):
    monkeypatch.setattr(loader, "MAX_CONCEPTS", 5)
    assert any("8 concepts; the limit is 5" in m for m in problems(tiny_dir))
    monkeypatch.undo()
    path = tiny_dir / PHYSICS
    path.write_text(path.read_text() + "".join(
        f"- {{id: Bad{i}, name: B, layer: physics, summary: s}}\n" for i in range(1_500)))
    msgs = problems(tiny_dir)
    assert len(msgs) == limits.MAX_PROBLEMS + 1
    assert msgs[-1].startswith("./:0: … and ") and "more problems" in msgs[-1]


def test_limits_are_declared_in_one_module():
    from explorer.search import engine

    assert engine.MAX_QUERY_CHARS is limits.MAX_QUERY_CHARS
    assert loader.TEXT_LIMITS is limits.TEXT_LIMITS and loader.MAX_FILE_BYTES == 5_000_000
