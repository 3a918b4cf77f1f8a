"""`explorer`: the command line. Each command parses its arguments, calls one function of the
package and prints the result; user mistakes end with a message on stderr and exit status 1."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from . import settings
from .graph import leads_to, neighborhood
from .loader import GraphError, load_graph
from .store import build
from .workspace import UnknownConcept, Workspace

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


class UserError(Exception):
    """A mistake in the input; printed without a traceback."""


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def emit(data, as_json: bool, text: Callable[[], str]) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=None if isinstance(data, list) else 2)
          if as_json else text())


def open_workspace() -> Workspace:
    return Workspace.open(on_build=lambda: print("Building the graph database…", file=sys.stderr))


@command("validate")
def cmd_validate(args: argparse.Namespace) -> int:
    graph = load_graph(Path(args.dir or settings.get("EXPLORER_DATA")))
    print(f"ok: {len(graph.concepts)} concepts, {len(graph.edges())} edges, "
          f"{len(graph.decisions)} decisions")
    return 0


@command("build")
def cmd_build(args: argparse.Namespace) -> int:
    from .embeddings import SentenceTransformerEmbedder, cached_vector_source  # noqa: PLC0415

    embedder = None if args.no_model else SentenceTransformerEmbedder()
    result = build(settings.path("EXPLORER_DATA"), settings.path("EXPLORER_DB"),
                   vectors=cached_vector_source(embedder), force=args.force)
    state = "built" if result.built else "up to date"
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items() if ":" not in k)
    print(f"{state}: {result.path} ({counts}) in {result.seconds:.2f} s")
    return 0


@command("show")
def cmd_show(args: argparse.Namespace) -> int:
    ws = open_workspace()
    concept = ws.concept(args.id)
    data = concept.to_dict()
    data["leads_to"] = [
        {"id": u, "name": ws.graph.concepts[u].name, "relation": ws.nx.edges[u, concept.id]["kind"],
         "why": ws.nx.edges[u, concept.id]["why"]} for u in leads_to(ws.nx, concept.id)]

    def text() -> str:
        lines = [f"{concept.name} [{concept.layer}]  ({concept.id})", "", concept.summary]
        if concept.hook:
            lines += ["", f"Hook: {concept.hook}"]
        for title, items in (("Requires", data["requires"]), ("Built on", data["built_on"]),
                             ("Leads to", data["leads_to"])):
            if items:
                lines += ["", f"{title}:"] + [f"  - {i['id']}: {i['why']}" for i in items]
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


@command("neighbors")
def cmd_neighbors(args: argparse.Namespace) -> int:
    ws = open_workspace()
    ws.concept(args.id)
    ids = neighborhood(ws.nx, args.id, depth=args.depth, max_nodes=10_000)
    rows = [{"id": i, "name": ws.graph.concepts[i].name, "layer": ws.graph.concepts[i].layer}
            for i in ids if i != args.id]
    emit(rows, args.json, lambda: "\n".join(f"{r['id']}\t{r['name']}\t{r['layer']}"
                                            for r in rows))
    return 0


@command("stats")
def cmd_stats(args: argparse.Namespace) -> int:
    ws = open_workspace()
    g = ws.graph
    per_layer = {layer.id: 0 for layer in g.layers}
    for c in g.concepts.values():
        per_layer[c.layer] += 1
    data = {"concepts": len(g.concepts), "edges": len(g.edges()), "decisions": len(g.decisions),
            "decision_links": sum(len(d.informed_by) for d in g.decisions.values()),
            "layers": per_layer, "built_at": ws.store.meta().get("built_at")}
    emit(data, args.json, lambda: "\n".join(
        [f"{k}: {v}" for k, v in data.items() if k != "layers"]
        + ["per layer:"] + [f"  {k}: {v}" for k, v in per_layer.items()]))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="explorer", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("validate", help="check a graph folder and report every problem")
    s.add_argument("dir", nargs="?", help="graph folder (default: EXPLORER_DATA)")
    s = sub.add_parser("build", help="build the graph database from EXPLORER_DATA")
    s.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    s.add_argument("--no-model", action="store_true",
                   help="do not load the embedding model; use cached vectors only")
    s = sub.add_parser("show", help="one concept, every field")
    s.add_argument("id")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("neighbors", help="concepts within N hops")
    s.add_argument("id")
    s.add_argument("--depth", type=int, default=1, choices=range(1, 6))
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("stats", help="counts of concepts, edges, decisions, per layer")
    s.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except GraphError as exc:
        print(f"{len(exc.problems)} problem(s) in the graph:\n{exc}", file=sys.stderr)
    except (UnknownConcept, UserError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except BrokenPipeError:
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
