"""`explorer bench --peers`: this app and the two usual Streamlit graph apps, side by side.

The shared harness (``measure.py`` in the peers folder, by default ``../shared/peers`` next to
the repository, or ``EXPLORER_PEERS_DIR``) measures one app per run in real Chromium. This runs it
three times on the same machine, one after the other: peer A (pyvis in ``components.html``, 300
nodes, select mode), peer B (streamlit-agraph, 300 nodes, click mode) and this app on the graph the
settings point at (click mode, through ``harness/explorer_adapter.py``). Each value under
``apps`` is the harness's own JSON, untouched; `table` prints the medians and our ratio to the
faster peer, which is what the targets in docs/PERFORMANCE.md are stated in.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADAPTER = Path(__file__).resolve().parent / "harness" / "explorer_adapter.py"
APP = ROOT / "streamlit_app.py"
# What each peer run needs in this interpreter besides our own dependencies.
PEER_MODULES = {"pyvis": "pyvis", "agraph": "streamlit_agraph", "harness": "psutil"}


class PeersUnavailable(RuntimeError):
    """The harness or a package it needs is missing; the message says how to get it."""


@dataclass(frozen=True)
class Run:
    key: str
    app: Path
    adapter: str
    mode: str
    nodes: int


def peers_dir() -> Path:
    return Path(os.environ.get("EXPLORER_PEERS_DIR", ROOT.parent / "shared" / "peers"))


def check(harness: Path) -> None:
    """Refuse early, with the fix, instead of failing half-way through a ten-minute run."""
    if not (harness / "measure.py").is_file():
        raise PeersUnavailable(f"no peer harness at {harness} "
                               "(set EXPLORER_PEERS_DIR to the folder holding measure.py)")
    missing = [mod for mod in PEER_MODULES.values() if importlib.util.find_spec(mod) is None]
    if missing:
        raise PeersUnavailable(f"missing {', '.join(missing)}: pip install -e '.[bench]' "
                               "(or make bench-peers)")


def runs(harness: Path, nodes: int) -> list[Run]:
    return [Run("pyvis", harness / "apps" / "peer_a_pyvis.py", "pyvis_select", "select", 300),
            Run("agraph", harness / "apps" / "peer_b_agraph.py", "agraph_click", "click", 300),
            Run("explorer", APP, str(ADAPTER), "click", nodes)]


def graph_spec(explorer) -> dict:
    """What the adapter needs to walk our graph: every id with its card title, and the edges."""
    graph = explorer.graph
    return {"names": {cid: c.name for cid, c in graph.concepts.items()},
            "edges": [list(edge) for edge in explorer.nx.edges()]}


def measure(run: Run, harness: Path, env: dict[str, str], *, clicks: int, loads: int,
            out_dir: Path) -> dict:
    """One harness run in a subprocess (it starts and stops its own server); its JSON."""
    out = out_dir / f"{run.key}.json"
    cmd = [sys.executable, str(harness / "measure.py"), "--app", str(run.app),
           "--nodes", str(run.nodes), "--mode", run.mode, "--adapter", run.adapter,
           "--runs", str(clicks), "--loads", str(loads), "--python", sys.executable,
           "--log-dir", str(out_dir / "logs"), "--out", str(out)]
    done = subprocess.run(cmd, cwd=harness, env=env, capture_output=True, text=True)
    if not out.exists():
        raise RuntimeError(f"the harness gave no result for {run.key} (exit {done.returncode}):\n"
                           + done.stderr[-2000:])
    return json.loads(out.read_text())


def run(explorer, *, clicks: int = 20, loads: int = 3, only: tuple[str, ...] = ()) -> dict:
    """Measure the peers and this app; ``{"apps": {"pyvis": …, "agraph": …, "explorer": …}}``."""
    harness = peers_dir()
    check(harness)
    result: dict = {"apps": {}}
    with tempfile.TemporaryDirectory(prefix="explorer-peers-") as tmp:
        spec = Path(tmp) / "graph.json"
        spec.write_text(json.dumps(graph_spec(explorer)))
        env = dict(os.environ, EXPLORER_PEERS_GRAPH=str(spec))
        for r in runs(harness, len(explorer.graph.concepts)):
            if only and r.key not in only:
                continue
            result["apps"][r.key] = measure(r, harness, env, clicks=clicks, loads=loads,
                                            out_dir=Path(tmp))
    return result


# (label, how to read it from the harness JSON, unit); lower is better for each.
METRICS = (
    ("click → card updated, p50", lambda m: (m.get("interaction_ms") or {}).get("p50"), "ms"),
    ("click → graph redrawn, p50", lambda m: (m.get("graph_redraw_ms") or {}).get("p50"), "ms"),
    ("fresh page → painted, warm p50", lambda m: (m.get("first_paint_s") or {}).get("warm_p50"),
     "s"),
    ("first load after server start", lambda m: (m.get("first_paint_s") or {}).get("cold"), "s"),
    ("websocket per click, p50", lambda m: (m.get("ws_bytes_per_rerun") or {}).get("p50"), "B"),
    ("HTTP per click, p50", lambda m: (m.get("http_bytes_per_interaction") or {}).get("p50"), "B"),
    ("server RSS", lambda m: m.get("server_rss_mb"), "MB"),
)


def table(result: dict) -> str:
    """Markdown table: each app's median and ours ÷ the faster peer's."""
    apps = result["apps"]
    lines = ["| what | explorer | pyvis | agraph | explorer ÷ faster peer |",
             "|---|---|---|---|---|"]
    for label, read, unit in METRICS:
        values = {key: read(apps[key]) if key in apps else None
                  for key in ("explorer", "pyvis", "agraph")}
        peers = [v for k, v in values.items() if k != "explorer" and v is not None]
        ours = values["explorer"]
        best = min(peers) if peers else None
        ratio = f"{ours / best:.2f}" if ours is not None and best else "–"
        cells = ["–" if v is None else f"{v:g} {unit}" for v in values.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio} |")
    errors = {k: len(v.get("errors", [])) for k, v in apps.items()}
    lines.append("")
    lines.append("harness errors: " + ", ".join(f"{k} {n}" for k, n in errors.items()))
    return "\n".join(lines)
