"""Hub shares: `python -m explorer.bench.hubs [--goal G] [--year Y] [--top N] [--json]`.

Wanders from every concept of the configured graph (no progress, curiosity 0.5, seed 0) and
prints, for the "most useful next" step, the "surprising bridge" and the "deeper foundation",
the concepts suggested most often and their share of all concepts wandered from. Issue 11 asks
that no concept be the useful step or the bridge for more than 5% of concepts.
"""

from __future__ import annotations

import argparse
import json

from explorer.usecases import DEFAULT_GOAL, default_year, open_explorer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m explorer.bench.hubs", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--goal", default=DEFAULT_GOAL)
    parser.add_argument("--year", type=int, default=default_year())
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    app = open_explorer()
    shares = app.hub_shares(goal=args.goal, year=args.year)
    if args.json:
        print(json.dumps({kind: [s.to_dict() for s in rows[:args.top]]
                          for kind, rows in shares.items()}, indent=2))
        return 0
    print(f"{len(app.graph.concepts)} concepts wandered from (goal {args.goal}, {args.year})")
    for kind, rows in shares.items():
        top = ", ".join(f"{s.id} {s.share:.1%} ({s.count})" for s in rows[:args.top]) or "-"
        print(f"{kind:>10}: {top}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
