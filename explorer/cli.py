"""`explorer`: the command line. Each command parses its arguments, calls one function of the
package and prints the result. Nothing ends in a traceback: a message on stderr and exit status
2 when the command line asks for something unusable (a bad value, an unknown goal, a file that
cannot be read; argparse's own convention), 1 when the data says no (graph problems, no such
concept, no path)."""

from __future__ import annotations

import argparse
import json
import math
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from explorer import usecases
from explorer.usecases import (
    DEFAULT_GOAL,
    DEFAULT_PROFILE,
    BadInput,
    BuildRefused,
    Explorer,
    GraphError,
    ImportFailed,
    NoPath,
    ProgressError,
    UnknownConcept,
    open_explorer,
)

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


class UserError(Exception):
    """A mistake in the input; printed without a traceback, exit status 2."""


def finite(text: str) -> float:
    """argparse type: a number, not NaN or infinity."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


finite.__name__ = "finite number"  # what argparse's message calls it


def read_lines(name: str) -> list[str]:
    """The lines of a UTF-8 text file named on the command line ('-': stdin), or `UserError`
    saying why it cannot be read."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        return data.decode("utf-8-sig").splitlines()
    except OSError as exc:
        raise UserError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(f"{name}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                        "save it as UTF-8") from None


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def emit(data, as_json: bool, text: Callable[[], str]) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=None if isinstance(data, list) else 2)
          if as_json else text())


def open_app() -> Explorer:
    app = open_explorer(on_build=lambda: print("Building the graph database…", file=sys.stderr))
    if notice := app.stale_notice():
        print(f"note: {notice}", file=sys.stderr)
    return app


@command("validate")
def cmd_validate(args: argparse.Namespace) -> int:
    graph = usecases.validate(Path(args.dir) if args.dir else None)
    print(f"ok: {len(graph.concepts)} concepts, {len(graph.edges())} edges, "
          f"{len(graph.decisions)} decisions")
    return 0


@command("build")
def cmd_build(args: argparse.Namespace) -> int:
    result = usecases.build(force=args.force, use_model=not args.no_model, progress=progress_bar)
    state = "built" if result.built else "up to date"
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items() if ":" not in k)
    print(f"{state}: {result.path} ({counts}) in {result.seconds:.2f} s")
    return 0


@command("show")
def cmd_show(args: argparse.Namespace) -> int:
    app = open_app()
    data = app.concept_json(args.id, args.year, args.profile)
    concept = app.concept(args.id)

    def text() -> str:
        lines = [f"{concept.name} [{concept.layer}]  ({concept.id})", "", concept.summary]
        year = usecases.default_year() if args.year is None else args.year
        lines += ["", f"Decision relevance in {year:g}: " + ", ".join(
            f"{goal} {r['p']:.0%}" for goal, r in data["relevance"].items())]
        if data.get("not_yet"):
            lines.append(f"  ({data['not_yet']})")
        rel = data["relevance"].get(DEFAULT_GOAL)
        if rel and rel["why"]:
            lines += [f"  {DEFAULT_GOAL} because: {why}" for why in rel["why"]]
        if concept.hook:
            lines += ["", f"Hook: {concept.hook}"]
        sections = [(r.heading_for(True), data[r.name]) for r in usecases.relations()]
        for title, items in [*sections, ("Leads to", data["leads_to"])]:
            if items:
                lines += ["", f"{title}:"] + [f"  - {i['id']}: {i['why']}" for i in items]
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


@command("neighbors")
def cmd_neighbors(args: argparse.Namespace) -> int:
    app = open_app()
    concepts = app.graph.concepts
    rows = [{"id": i, "name": concepts[i].name, "layer": concepts[i].layer}
            for i in app.neighbours(args.id, depth=args.depth)]
    emit(rows, args.json, lambda: "\n".join(f"{r['id']}\t{r['name']}\t{r['layer']}"
                                            for r in rows))
    return 0


@command("stats")
def cmd_stats(args: argparse.Namespace) -> int:
    data = open_app().stats()
    emit(data, args.json, lambda: "\n".join(
        [f"{k}: {v}" for k, v in data.items() if k != "layers"]
        + ["per layer:"] + [f"  {k}: {v}" for k, v in data["layers"].items()]))
    return 0


@command("relevance")
def cmd_relevance(args: argparse.Namespace) -> int:
    if args.top is not None and args.top < 1:
        raise UserError("--top must be at least 1")
    ranked = open_app().ranking(args.goal, args.year, top=args.top, profile=args.profile)
    rows = [r.to_dict() for r in ranked]

    def text() -> str:
        lines = []
        for r in rows:
            lines.append(f"{r['p']:6.1%}  {r['id']}  {r['name']} [{r['layer']}]")
            lines += [f"        because: {why}" for why in r["why"][:1]]
        return "\n".join(lines)

    emit(rows, args.json, text)
    return 0


def _ids(text: str | None) -> list[str]:
    return [i.strip() for i in (text or "").split(",") if i.strip()]


@command("path")
def cmd_path(args: argparse.Namespace) -> int:
    steps = open_app().path(args.a, args.b)

    def text() -> str:
        lines = [f"{steps[0].name} ({steps[0].id})"]
        for prev, s in zip(steps, steps[1:], strict=False):
            why = f": {s.why}" if s.why else ""
            lines.append(f"  → {s.name} ({s.id}), {s.relation} {prev.name}{why}")
        return "\n".join(lines)

    emit([s.to_dict() for s in steps], args.json, text)
    return 0


@command("plan")
def cmd_plan(args: argparse.Namespace) -> int:
    app = open_app()
    result = app.plan(args.target, goal=args.goal, year=args.year, profile=args.profile,
                      also_known=tuple(_ids(args.known)))
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(app.plan_markdown(result), end="")
    return 0


@command("wander")
def cmd_wander(args: argparse.Namespace) -> int:
    found = open_app().wander(args.id, goal=args.goal, profile=args.profile,
                              curiosity=args.curiosity, seed=args.seed)
    emit([s.to_dict() for s in found], args.json,
         lambda: "\n".join(f"{s.kind:<10} {s.id}: {s.reason}" for s in found))
    return 0


@command("progress")
def cmd_progress(args: argparse.Namespace) -> int:
    if args.action != "list" and not args.id:
        raise UserError(f"`explorer progress {args.action}` needs a concept id")
    app = open_app()
    action = {"mark": (app.set_known, True), "unmark": (app.set_known, False),
              "bookmark": (app.set_bookmark, True),
              "unbookmark": (app.set_bookmark, False)}.get(args.action)
    if action:
        fn, on = action
        fn(args.id, on, profile=args.profile)
    listing = app.progress_list(args.profile)
    summary = listing.summary
    data = listing.to_dict()

    def text() -> str:
        lines = [f"profile {args.profile}: {summary.known} known, {summary.bookmarks} bookmarked",
                 f"known: {', '.join(data['known']) or '-'}",
                 f"bookmarks: {', '.join(data['bookmarks']) or '-'}"]
        lines += [f"  {k}: {v.known}/{v.total}" for k, v in summary.by_layer.items()]
        if summary.orphaned:
            lines.append(f"not in the graph any more: {', '.join(summary.orphaned)}")
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


@command("decisions")
def cmd_decisions(args: argparse.Namespace) -> int:
    if args.action != "list" and not args.id:
        raise UserError(f"`explorer decisions {args.action}` needs a decision id")
    if args.action == "set" and args.frequency is None:
        words = ", ".join(usecases.Explorer.frequency_words())
        raise UserError(f"`explorer decisions set {args.id}` needs a FREQUENCY: {words} "
                        "or a number from 0 to 1")
    if args.action != "set" and args.frequency is not None:
        raise UserError(f"`explorer decisions {args.action}` takes no FREQUENCY")
    app = open_app()
    if args.action == "set":
        value = app.set_decision_frequency(args.id, args.frequency, profile=args.profile)
        print(f"{args.profile} faces {args.id} with frequency {value:g}", file=sys.stderr)
        return 0
    if args.action == "reset":
        app.reset_decision_frequency(args.id, profile=args.profile)
        print(f"{args.profile}: {args.id} back to the goal's frequency", file=sys.stderr)
        return 0
    listing = app.decision_list(args.goal, args.profile)

    def text() -> str:
        lines = []
        for r in listing.rows:
            mark = "*" if r.own is not None else " "
            lines.append(f"{r.frequency:5.0%}{mark} {r.decision.id}  {r.decision.text}")
        if any(r.own is not None for r in listing.rows):
            lines.append(f"* set by profile {args.profile} (the goal's frequency otherwise)")
        if listing.orphaned:
            lines.append("orphaned (not in the graph any more): " + ", ".join(
                f"{d} {f:g}" for d, f in listing.orphaned.items()))
        return "\n".join(lines)

    emit(listing.to_dict(), args.json, text)
    return 0


def progress_bar(done: int, total: int) -> None:
    """`Embedding 64/300 concepts [######----]` on stderr, redrawn in place."""
    filled = 30 * done // max(total, 1)
    print(f"\rEmbedding {done}/{total} concepts [{'#' * filled}{'-' * (30 - filled)}]",
          end="\n" if done >= total else "", file=sys.stderr, flush=True)


def open_searcher():
    """A searcher whose model is loaded: the CLI waits for it rather than answer on keywords."""
    searcher = open_app().searcher()
    if not searcher.wait():
        print(f"note: {searcher.status}", file=sys.stderr)
    return searcher


def hits_text(result) -> str:
    return "\n".join(f"{i}. {h.name} [{h.layer}] ({h.id})  {'+'.join(h.matched_by)} "
                     f"{h.score:.4f}\n   {h.snippet}"
                     for i, h in enumerate(result.hits, start=1)) or "no matches"


@command("search")
def cmd_search(args: argparse.Namespace) -> int:
    if (args.query is None) == (args.batch is None):
        raise UserError("give either a QUERY or --batch FILE")
    lines = None if args.batch is None else read_lines(args.batch)  # before the model loads
    searcher = open_searcher()
    if lines is None:
        result = searcher.search(args.query, limit=args.limit)
        emit([h.to_dict() for h in result.hits], args.json, lambda: hits_text(result))
        return 0
    for line in lines:
        result = searcher.search(line.rstrip("\n"), limit=args.limit)
        print(json.dumps([h.to_dict() for h in result.hits], ensure_ascii=False) if args.json
              else hits_text(result) + "\n", flush=True)
    return 0


@command("eval")
def cmd_eval(args: argparse.Namespace) -> int:
    try:
        queries = usecases.load_queries(args.queries)
    except (ValueError, OSError) as exc:  # not JSON, not UTF-8, a folder, unreadable
        reason = (exc.strerror if isinstance(exc, OSError) and exc.strerror
                  else "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc)
        raise UserError(f"cannot read the queries from {args.queries}: {reason}") from None
    app = open_app()
    searcher = app.searcher()
    if not searcher.wait():  # say so when the eval runs on keywords only
        print(f"note: {searcher.status}", file=sys.stderr)
    report = app.evaluate(queries)
    format_report = usecases.format_report
    emit(report.to_dict(), args.json, lambda: format_report(report))
    return 0


@command("bench")
def cmd_bench(args: argparse.Namespace) -> int:
    if args.peers:
        from explorer.bench import peers  # noqa: PLC0415 (starts servers and Chromium)

        try:
            result = peers.run(usecases.open_explorer(), clicks=args.clicks)
        except peers.PeersUnavailable as err:
            print(f"explorer bench --peers: {err}", file=sys.stderr)
            return 2
        print(json.dumps(result, indent=1) if args.json else peers.table(result))
        return 0
    from explorer.bench import run as bench  # noqa: PLC0415 (loads the model and, with --browser, Chromium)

    try:
        sizes = tuple(int(n) for n in args.synthetic.split(",") if n.strip() and int(n) > 0)
    except ValueError:
        print(f"explorer bench: --synthetic takes sizes like 1000,100000, not {args.synthetic!r}",
              file=sys.stderr)
        return 2
    result = bench.run(synthetic=sizes, browser=args.browser,
                       progress=lambda msg: print(f"… {msg}", file=sys.stderr))
    print(bench.to_json(result) if args.json else bench.table(result))
    if args.plot:
        print(f"plot: {bench.plot(result, Path(args.plot))}", file=sys.stderr)
    return 0


@command("loadtest")
def cmd_loadtest(args: argparse.Namespace) -> int:
    from explorer.bench import loadtest  # noqa: PLC0415 (starts a server and Chromium)

    if args.sessions < 1 or args.seconds <= 0 or args.timeout <= 0:
        raise UserError("loadtest: --sessions, --seconds and --timeout must be positive")
    try:
        think = tuple(float(x) for x in args.think.split(","))
    except ValueError:
        think = ()
    if len(think) != 2 or not 0 <= think[0] <= think[1]:
        raise UserError(f"loadtest: --think takes MIN,MAX seconds like 2,4, not {args.think!r}")
    options = tuple(f"--{o}" if not o.startswith("--") else o for o in args.server_option)
    result = loadtest.run(args.sessions, args.seconds, progress_url=args.progress_url or None,
                          model=not args.no_model, timeout_s=args.timeout, think=think,
                          server_args=tuple(a for o in options for a in o.split("=", 1)),
                          log=lambda msg: print(f"… {msg}", file=sys.stderr))
    print(loadtest.to_json(result) if args.json else loadtest.table(result))
    return 0 if result["held"] else 1


@command("import")
def cmd_import(args: argparse.Namespace) -> int:
    report = usecases.import_graph([Path(s) for s in args.sources], args.format,
                                   Path(args.out) if args.out else None,
                                   skip_bad=args.skip_bad, default_kind=args.default_kind)
    print(f"imported: {report.text()}")
    return 0


@command("export")
def cmd_export(args: argparse.Namespace) -> int:
    app = open_app()
    if args.plan:
        files = {"plan.md": app.plan_markdown(app.plan(args.plan, goal=args.goal))}
    else:
        files = usecases.export_graph(app, args.format, focus=args.focus, depth=args.depth,
                                      goal=args.goal)
    if args.out is None and len(files) > 1:
        raise UserError(f"--format {args.format} writes {len(files)} files: give --out DIR")
    if args.out is None:
        sys.stdout.write(next(iter(files.values())))
        return 0
    out = Path(args.out)
    targets = {out / name: text for name, text in files.items()} if len(files) > 1 or \
        out.is_dir() else {out: next(iter(files.values()))}
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(targets)} file(s) to {out}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="explorer", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("validate", help="check a graph folder and report every problem")
    s.add_argument("dir", nargs="?", help="graph folder (default: EXPLORER_DATA)")
    s = sub.add_parser("build", help="build the graph database from EXPLORER_DATA")
    s.add_argument("--force", action="store_true",
                   help="rebuild even if nothing changed, or if the graph shrinks by over half")
    s.add_argument("--no-model", action="store_true",
                   help="do not load the embedding model; use cached vectors only")
    s = sub.add_parser("show", help="one concept, every field")
    s.add_argument("id")
    s.add_argument("--year", type=finite, help="the era (default: this year)")
    s.add_argument("--profile", default=DEFAULT_PROFILE,
                   help="whose decision frequencies to score with")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("neighbors", help="concepts within N hops")
    s.add_argument("id")
    s.add_argument("--depth", type=int, default=1, choices=range(1, 6))
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("stats", help="counts of concepts, edges, decisions, per layer")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("path", help="how concept A connects to concept B, edge by edge")
    s.add_argument("a")
    s.add_argument("b")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("plan", help="the unknown prerequisites of a target, in learning order")
    s.add_argument("target")
    s.add_argument("--profile", default=DEFAULT_PROFILE, help="whose known concepts to skip")
    s.add_argument("--known", help="more known concept ids, comma-separated")
    s.add_argument("--goal", default=DEFAULT_GOAL, help="goal for the relevance scores")
    s.add_argument("--year", type=finite, help="the era (default: this year)")
    s.add_argument("--format", choices=("md", "json"), default="md")
    s = sub.add_parser("wander", help="three next steps from a concept")
    s.add_argument("id")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--curiosity", type=finite, default=0.5, help="0 useful … 1 surprising")
    s.add_argument("--profile", default=DEFAULT_PROFILE, help="whose known concepts to skip")
    s.add_argument("--goal", default=DEFAULT_GOAL, help="goal for the relevance scores")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("progress", help="mark concepts known, bookmark them, list progress")
    s.add_argument("action", choices=("mark", "unmark", "bookmark", "unbookmark", "list"))
    s.add_argument("id", nargs="?")
    s.add_argument("--profile", default=DEFAULT_PROFILE)
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("search", help="find concepts by name, keyword or meaning")
    s.add_argument("query", nargs="?", help="a concept or a problem, in words")
    s.add_argument("--batch", metavar="FILE",
                   help="one query per line ('-' for stdin); one result per line")
    s.add_argument("--limit", type=int, default=10)
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("eval", help="search quality on a query file: recall@1, recall@5, MRR")
    s.add_argument("--queries", metavar="FILE",
                   help="JSON list of {query, expected} (default: ../shared/eval/dev_queries.json)")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("relevance", help="concepts by how likely they are to change a decision")
    s.add_argument("--goal", default=DEFAULT_GOAL, help="build, architect, interview or research")
    s.add_argument("--year", type=finite, help="the era (default: this year)")
    s.add_argument("--top", type=int, help="only the N most relevant (default: all)")
    s.add_argument("--profile", default=DEFAULT_PROFILE,
                   help="whose decision frequencies to score with")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("decisions", help="the decisions a profile faces, and how often: list, "
                       "set ID FREQUENCY (never, rarely, sometimes, often or 0..1), reset ID")
    s.add_argument("action", choices=("list", "set", "reset"))
    s.add_argument("id", nargs="?")
    s.add_argument("frequency", nargs="?")
    s.add_argument("--goal", help="only this goal's decisions (default: every decision)")
    s.add_argument("--profile", default=DEFAULT_PROFILE)
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("bench", help="measure speed budgets (docs/ARCHITECTURE.md) on this machine")
    s.add_argument("--synthetic", default="100000", metavar="N[,M…]",
                   help="sizes of synthetic graphs, comma-separated (0 to skip them)")
    s.add_argument("--plot", metavar="PNG", help="draw each cost against graph size into PNG")
    s.add_argument("--browser", action="store_true",
                   help="also measure in a real Chromium: first paint, clicks, bytes")
    s.add_argument("--peers", action="store_true",
                   help="run the shared peer harness on peer A, peer B and this app, side by side")
    s.add_argument("--clicks", type=int, default=20, help="measured clicks per app with --peers")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("loadtest", help="many users at once: browser sessions against one "
                       "server, with errors, latencies, memory and leaks (docs/DEPLOY.md)")
    s.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions")
    s.add_argument("--seconds", type=float, default=60, help="how long they act")
    s.add_argument("--timeout", type=float, default=30,
                   help="seconds an action may take before it counts as an error")
    s.add_argument("--progress-url", metavar="URL",
                   help="keep progress in this PostgreSQL database (default: a fresh SQLite file)")
    s.add_argument("--think", default="2,4", metavar="MIN,MAX",
                   help="seconds a session pauses between actions (uniform; default 2,4)")
    s.add_argument("--no-model", action="store_true", help="keyword search only")
    s.add_argument("--server-option", action="append", default=[], metavar="KEY=VALUE",
                   help="an option for `streamlit run`, e.g. runner.postScriptGC=true")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("import", help="read CSV, JSON, YAML, GraphML, GEXF or an Obsidian "
                       "vault into a graph folder (docs/FORMATS.md)")
    s.add_argument("sources", nargs="+", metavar="SOURCE")
    s.add_argument("--format", required=True, choices=usecases.IMPORT_FORMATS)
    s.add_argument("--out", metavar="DIR", help="graph folder (default: EXPLORER_GRAPHS/NAME)")
    s.add_argument("--skip-bad", action="store_true",
                   help="keep the valid part and write import-report.txt")
    s.add_argument("--default-kind", help="relation of edges that name none (default: related)")
    s = sub.add_parser("export", help="the graph or a neighbourhood as GraphML, GEXF, JSON, "
                       "CSV, Markdown or one HTML file")
    s.add_argument("--format", choices=usecases.EXPORT_FORMATS, default="json")
    s.add_argument("--focus", metavar="ID", help="only the neighbourhood of this concept")
    s.add_argument("--depth", type=int, default=1, choices=range(1, 6))
    s.add_argument("--plan", metavar="TARGET", help="the learning plan for TARGET, as Markdown")
    s.add_argument("--goal", default=DEFAULT_GOAL, help="goal for the relevance scores")
    s.add_argument("--out", metavar="FILE", help="file (a folder for csv and md; default: stdout)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except GraphError as exc:
        print(f"{len(exc.problems)} problem(s) in the graph:\n{exc}", file=sys.stderr)
    except ImportFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
    except (UserError, BadInput) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (UnknownConcept, NoPath, FileNotFoundError, ProgressError, BuildRefused) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug still ends in one line, not a traceback
        frames = traceback.extract_tb(exc.__traceback__)
        at = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        print(f"internal error (please report it): {type(exc).__name__}: {exc}{at}",
              file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
