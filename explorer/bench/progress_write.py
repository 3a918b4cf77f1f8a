"""What checkpointing after every progress write costs: `python -m explorer.bench.progress_write`.

Marks N concepts one transaction each in a fresh SQLite store, with the per-write
`wal_checkpoint(TRUNCATE)` (the default) and without it (committed data then waits in the log
until SQLite's automatic checkpoint), alternating the two in rounds so machine load falls on
both alike, and prints the median per write. Also times the open check on a store of that size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from explorer.storage import sqlite_guard
from explorer.storage.progress import SQLiteProgress


def per_write_ms(path: Path, n: int, checkpoint: bool) -> float:
    store = SQLiteProgress(path)
    if not checkpoint:
        store._checkpoint = lambda con: None  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        for i in range(n):
            store.mark_known("bench", f"c{i}")
        return (time.perf_counter() - start) * 1000 / n
    finally:
        store.close()


def run(writes: int = 200, rounds: int = 5) -> dict:
    with_ck, without = [], []
    with tempfile.TemporaryDirectory(prefix="progress-bench-") as tmp:
        for r in range(rounds):
            with_ck.append(per_write_ms(Path(tmp, f"a{r}.sqlite"), writes, True))
            without.append(per_write_ms(Path(tmp, f"b{r}.sqlite"), writes, False))
        start = time.perf_counter()
        sqlite_guard.recover(Path(tmp, "a0.sqlite"))
        check_ms = (time.perf_counter() - start) * 1000
    a, b = statistics.median(with_ck), statistics.median(without)
    return {"writes": writes, "rounds": rounds, "checkpoint_ms_per_write": round(a, 3),
            "no_checkpoint_ms_per_write": round(b, 3), "ratio": round(a / b, 2),
            "open_check_ms": round(check_ms, 1)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--writes", type=int, default=200)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    print(json.dumps(run(args.writes, args.rounds)))


if __name__ == "__main__":
    main()
