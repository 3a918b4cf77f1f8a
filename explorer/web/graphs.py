"""Which graph the page explores, uploading a graph, and "Download this view".

The curated map is the default; every folder in EXPLORER_GRAPHS (what `explorer import`
writes) is offered too. The choice lives in the session (`?graph=NAME` picks it on arrival).
An upload is checked first, and its report shown as text, before anything is written.
"""

from __future__ import annotations

import streamlit as st

from explorer import usecases
from explorer.usecases import Explorer, ImportFailed
from explorer.web.state import TRAIL_KEY as TRAIL
from explorer.web.state import Nav
from explorer.web.text import plain

KEY = "graph-choice"
PARAM = "graph"
VIEW_NODES = 40  # as many concepts as the explore view draws (web.graph_data.vis_graph)
CHECKED = "upload-checked"  # (file id, report, failure) of the last upload checked
CURATED = ""


def current() -> str:
    """The chosen graph's folder name ('' for the curated one)."""
    if KEY not in st.session_state:
        wanted = st.query_params.get(PARAM, CURATED)
        st.session_state[KEY] = wanted if wanted in usecases.graph_folders() else CURATED
    return st.session_state[KEY]


def has_decisions(app: Explorer) -> bool:
    """Scores, goals and eras mean something only when the graph defines decisions."""
    return bool(app.graph.decisions)


def picker() -> None:
    """The sidebar's graph chooser and upload, in one expander."""
    names = [CURATED, *usecases.graph_folders()]
    if current() not in names:
        st.session_state[KEY] = CURATED
    with st.expander("Graph", expanded=len(names) > 1 and current() != CURATED):
        st.selectbox("Which graph", names, key=KEY, format_func=lambda n: n or "The curated map",
                     on_change=switched, help="Imported graphs: folders made by "
                                              "`explorer import` in EXPLORER_GRAPHS.")
        upload()


def switched() -> None:
    """Another graph: the trail and the URL's concepts belong to the last one."""
    st.session_state.pop(TRAIL, None)
    st.query_params.clear()


def explore_upload(name: str, data: bytes) -> None:
    written = usecases.import_upload(name, data, write=True)
    switched()
    st.session_state[KEY] = written.out.name


def upload() -> None:
    file = st.file_uploader("Bring your own graph", key="upload",
                            type=[s.lstrip(".") for s in usecases.UPLOAD_FORMATS],
                            help=f"CSV, JSON, YAML, GraphML or GEXF, up to "
                                 f"{usecases.MAX_UPLOAD_BYTES // 1_000_000} MB (docs/FORMATS.md). "
                                 "It is checked before anything is saved.")
    if file is None:
        return
    data = file.getvalue()
    checked = st.session_state.get(CHECKED)
    if checked is None or checked[0] != file.file_id:  # check each upload once, not per rerun
        try:
            checked = (file.file_id, usecases.import_upload(file.name, data), None)
        except ImportFailed as exc:
            checked = (file.file_id, None, str(exc))
        st.session_state[CHECKED] = checked
    _, report, failure = checked
    if failure:
        st.error("Not imported: every problem is listed below.")
        st.code(failure, language=None, wrap_lines=True)
        return
    st.success(plain(f"Valid: {report.summary()}"))
    if report.problems:
        st.code("\n".join(str(p) for p in report.problems), language=None, wrap_lines=True)
    st.button("Import and explore", key="upload-go", type="primary", on_click=explore_upload,
              args=(file.name, data))


def download_view(app: Explorer, nav: Nav) -> None:
    """One self-contained HTML file of the neighbourhood on screen, made only when clicked."""
    def page() -> str:
        files = usecases.export_graph(app, "html", focus=nav.concept, depth=nav.depth,
                                      goal=nav.goal, year=nav.era, max_nodes=VIEW_NODES)
        return next(iter(files.values()))

    st.download_button("Download this view", page, file_name=f"{nav.concept}.html",
                       mime="text/html", icon=":material/download:", key="download-view",
                       on_click="ignore", help="One HTML file that opens offline in any "
                                               "browser: this neighbourhood, drawn as here.")
