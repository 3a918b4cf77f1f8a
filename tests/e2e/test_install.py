"""A regular (non-editable) install serves the graph component: Streamlit's documented
component discovery finds `explorer/pyproject.toml` and the vendored vis-network in site-packages.

Builds a wheel of this checkout, installs it into a fresh virtual environment that reuses the
test environment's packages (no network), starts the component demo app from outside the
checkout, and fetches the component's assets over HTTP.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e


def run(*argv: str | Path, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                            timeout=600, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_a_wheel_install_serves_the_component(tmp_path: Path, streamlit_server) -> None:
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
        "-w", wheels, ROOT)
    wheel = next(wheels.glob("explorer-*.whl"))
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--system-site-packages", venv)
    # The test environment's packages (streamlit, pyvis, …) stay visible; `explorer` itself
    # comes from the wheel, installed for real into the new environment.
    site = next(Path(p) for p in sys.path if p.endswith("site-packages"))
    (next((venv / "lib").glob("python3*")) / "site-packages" / "parent.pth").write_text(
        f"{site}\n")
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", wheel)
    located = run(python, "-c", "import explorer, importlib.metadata as m; "
                                "print(explorer.__file__); print(m.distribution('explorer')"
                                ".read_text('direct_url.json') or '')",
                  cwd=tmp_path).stdout
    assert str(venv) in located.splitlines()[0], located  # not the checkout
    assert '"editable": true' not in located

    demo = tmp_path / "demo_app.py"
    demo.write_text((ROOT / "tests" / "e2e" / "component_demo_app.py").read_text())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    base = streamlit_server(demo, env=env, python=python, cwd=tmp_path)
    for asset in ("graph.js", "vendor/vis-network-9.1.2/vis-network.min.js",
                  "vendor/vis-network-9.1.2/LICENSE"):
        with urllib.request.urlopen(f"{base}/_stcore/bidi-components/explorer.graph/{asset}",
                                    timeout=30) as response:
            assert response.status == 200 and response.read(), asset
