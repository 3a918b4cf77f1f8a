"""The page's first script run imports nothing heavy: torch and sentence-transformers load
behind it, on a timer thread that the run starts (the model warms after the first paint)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TINY

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "sentence_transformers", "transformers", "sklearn", "matplotlib", "pyvis")

FIRST_RUN = """
import json, sys, threading
import explorer.web.app as page
page.WARM_AFTER_S = 120  # look before the warm-up fires
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120).run()
print(json.dumps({
    "errors": [str(e.value) for e in at.exception],
    "heading": [m.value.split("\\n")[0] for m in at.markdown if m.value.startswith("### ")],
    "heavy": [m for m in sys.argv[2].split(",") if m in sys.modules],
    "warming": [t.name for t in threading.enumerate() if t.name == "explorer-warm-search"],
}))
"""


def test_the_first_run_leaves_the_model_for_later(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "EXPLORER_NO_MODEL"}
    env |= {"EXPLORER_DATA": str(TINY), "EXPLORER_DB": str(tmp_path / "graph.duckdb"),
            "EXPLORER_PROGRESS": str(tmp_path / "progress.sqlite"),
            "EXPLORER_EMBEDDINGS": str(tmp_path / "embeddings")}
    # The database is built beforehand, as `make run` does (a build may embed concepts).
    subprocess.run([sys.executable, "-m", "explorer.cli", "build", "--no-model"], env=env,
                   cwd=ROOT, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-c", FIRST_RUN, str(ROOT / "streamlit_app.py"),
                           ",".join(HEAVY)], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == [] and result["heading"] == ["### Adam optimizer"], result
    assert result["heavy"] == [], result  # nothing heavy on the page's path
    assert result["warming"] == ["explorer-warm-search"], result  # …but the model is on its way
