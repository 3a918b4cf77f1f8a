"""`explorer bench --peers`: the table reads the harness's JSON; a missing harness is refused."""

from __future__ import annotations

import pytest

from explorer.bench import peers


def harness_json(card: float, graph: float, warm: float, ws: float) -> dict:
    return {"interaction_ms": {"n": 20, "p50": card}, "graph_redraw_ms": {"n": 20, "p50": graph},
            "first_paint_s": {"cold": warm + 1, "warm_p50": warm},
            "ws_bytes_per_rerun": {"p50": ws}, "http_bytes_per_interaction": {"p50": 0},
            "server_rss_mb": 100.0, "errors": []}


def test_table_gives_our_ratio_to_the_faster_peer() -> None:
    result = {"apps": {"pyvis": harness_json(250, 320, 1.3, 698_000),
                       "agraph": harness_json(150, 380, 1.4, 10_600),
                       "explorer": harness_json(90, 160, 1.3, 8_000)}}
    rows = {line.split(" | ")[0].lstrip("| "): line for line in peers.table(result).splitlines()}
    assert rows["click → card updated, p50"].endswith("| 0.60 |")  # 90 / min(250, 150)
    assert rows["click → graph redrawn, p50"].endswith("| 0.50 |")  # 160 / min(320, 380)
    assert rows["websocket per click, p50"].endswith("| 0.75 |")


def test_a_missing_part_is_a_dash_not_a_number() -> None:
    result = {"apps": {"explorer": harness_json(90, 160, 1.3, 8_000)}}
    row = next(line for line in peers.table(result).splitlines() if "card updated" in line)
    assert row == "| click → card updated, p50 | 90 ms | – | – | – |"


def test_no_harness_is_refused_with_the_fix(tmp_path) -> None:
    with pytest.raises(peers.PeersUnavailable, match="EXPLORER_PEERS_DIR"):
        peers.check(tmp_path)


def test_the_adapter_is_kept_beside_the_runner() -> None:
    assert peers.ADAPTER.is_file()
    assert "class Adapter(BaseAdapter)" in peers.ADAPTER.read_text()
