"""Validate some concept files before the rest of the graph exists.

Usage: python scripts/check_layer.py graph_data/concepts/numerics.yaml [more files...]
Concepts listed in graph_data/outline.yaml but not yet written are stubbed, so only real problems
in the given files (and references to ids that are in no outline) are reported.
"""

import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from explorer.loader import GraphError, load_graph

root = Path(__file__).resolve().parent.parent / "graph_data"
files = [Path(f).resolve() for f in sys.argv[1:]]
outline = yaml.safe_load((root / "outline.yaml").read_text())
with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    (tmp / "concepts").mkdir()
    for name in ("layers.yaml", "goals.yaml"):
        shutil.copy(root / name, tmp / name)
    written = set()
    for f in files:
        shutil.copy(f, tmp / "concepts" / f.name)
        written |= {c["id"] for c in yaml.safe_load(f.read_text()) or []}
    stubs = [{"id": c["id"], "name": c["name"], "layer": layer, "summary": "stub"}
             for layer, items in outline.items() for c in items if c["id"] not in written]
    (tmp / "concepts" / "zz-stubs.yaml").write_text(yaml.safe_dump(stubs))
    try:
        g = load_graph(tmp)
    except GraphError as exc:
        print(f"{len(exc.problems)} problem(s):\n{exc}")
        sys.exit(1)
    mine = [c for c in g.concepts.values() if c.id in written]
    print(f"ok: {len(mine)} concepts, "
          f"{sum(len(c.requires) + len(c.built_on) + len(c.related) for c in mine)} edges")
