"""`explorer loadtest`: many users at once, as Playwright browser contexts against one server.

One `streamlit run` on loopback (the curated graph, built beforehand; the embedding model on
unless `--no-model`), progress in a fresh SQLite file or, with `--progress-url`, in PostgreSQL.
A warm-up page loads the shared resources; then N contexts of one Chromium each open the app
under a profile of their own (OPENING_AT_ONCE at a time) and, once all have painted, act for S
seconds at once: click a neighbour
in the graph, search a concept by name and open the hit, or toggle "I know this", with a short
pause between actions. Each latency is taken in the page, from the input event to the first
frame that shows the answer (the card's title, the search hit, the toggled button).

Errors: an action with no answer within `--timeout`, a page that did not paint, an error box.
Leaks: after every arrival a session checks that the card's "known" state and the sidebar's
count of known concepts are exactly those of its own marks; every session marks from the same
few concepts, so another profile's marks would show. CPU seconds of the server process and of
everything on the client side (this process, Playwright's driver, Chromium) are measured apart,
so the report says which one bounds the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from explorer.bench.browser import CHROMIUM, CHROMIUM_ARGS, NODE_POINT_JS, READY, rss_mb, served
from explorer.settings import PROJECT_ROOT

APP = PROJECT_ROOT / "streamlit_app.py"
START = "adam"
THINK_S = (2.0, 4.0)  # a pause between one session's actions, uniform in this range
PAINT_TIMEOUT_S = 180.0
# Sessions arrive a few at a time (each opening waits for a free slot), as people do: twenty
# Chromium pages loading Streamlit's scripts at once on two cores took over 180 s to paint.
OPENING_AT_ONCE = 2
VIEWPORT = {"width": 1024, "height": 768}
ACTIONS = ("click", "search", "mark")
SEARCH_BOX = "Search concepts"  # the combobox's accessible name (web/search_box.py)

# Installed in every page: the clock starts at the next input event after __ltArm(), and
# __ltWait resolves with the milliseconds from it to the first frame where the answer shows
# (-1 after timeoutMs). Elements Streamlit marks stale (left from the previous run) never count.
CLOCK_JS = """
window.__ltArm = () => { window.__ltT0 = null; window.__ltArmed = true; };
const __ltStart = () => {
  if (window.__ltArmed) { window.__ltT0 = performance.now(); window.__ltArmed = false; }
};
addEventListener('pointerdown', __ltStart, true);
addEventListener('keydown', __ltStart, true);
window.__ltFresh = (el) => !el.closest('[data-stale="true"]');
// The search combobox renders in its component's shadow root: found once, then kept.
window.__ltSearch = () => {
  if (window.__ltBox?.isConnected) return window.__ltBox;
  for (const host of document.querySelectorAll('*')) {
    const box = host.shadowRoot?.querySelector('.explorer-search');
    if (box) return (window.__ltBox = box);
  }
  return null;
};
window.__ltShown = (kind, arg) => {
  if (kind === 'card') {
    return [...document.querySelectorAll('h3')].some(
      (h) => h.textContent.trim() === arg && window.__ltFresh(h));
  }
  if (kind === 'hit') {
    const box = window.__ltSearch();
    return !!box && !!box.querySelector('li[role=option][data-id="' + CSS.escape(arg) + '"]');
  }
  if (kind === 'know') {
    const b = document.querySelector('.st-key-know button');
    return !!b && window.__ltFresh(b) && b.innerText.trim().startsWith(arg);
  }
  return false;
};
window.__ltWait = (kind, arg, timeoutMs) => new Promise((resolve) => {
  const begun = performance.now();
  const check = () => {
    const now = performance.now();
    if (window.__ltShown(kind, arg)) resolve(now - (window.__ltT0 ?? begun));
    else if (now - begun > timeoutMs) resolve(-1);
    else requestAnimationFrame(check);
  };
  check();
});
"""
# The card's known state and the sidebar's count, as the page shows them now (fresh only).
STATE_JS = """() => {
  const b = document.querySelector('.st-key-know button');
  const cap = [...document.querySelectorAll('[data-testid="stSidebar"] '
                                            + '[data-testid="stCaptionContainer"]')]
    .filter(window.__ltFresh).map((c) => c.innerText)
    .find((t) => t.includes('concepts known')) || '';
  const m = cap.match(/^(\\d+) of/);
  return { known: b && window.__ltFresh(b) ? b.innerText.trim().startsWith('Known') : null,
           count: m ? Number(m[1]) : null,
           error: !!document.querySelector('[data-testid="stException"], '
                                            + '[data-testid="stAlertContentError"]') };
}"""


class ActionFailed(Exception):
    """An action whose answer did not show in time (counted as an error)."""


@dataclass
class Session:
    index: int
    profile: str
    rng: random.Random
    known: set[str] = field(default_factory=set)
    focus: str = START
    latencies: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    errors: Counter = field(default_factory=Counter)
    leaks: list[str] = field(default_factory=list)
    paint_ms: float | None = None
    page_errors: int = 0


@dataclass
class Plan:
    url: str
    names: dict[str, str]
    searchable: list[str]
    pool: list[str]  # concepts every session may mark (so a leak would be seen)
    seconds: float
    timeout_s: float
    think: tuple[float, float]


async def wait_shown(page, kind: str, arg: str, timeout_s: float) -> float:
    ms = await page.evaluate("([k, a, t]) => window.__ltWait(k, a, t)",
                             [kind, arg, timeout_s * 1000])
    if ms < 0:
        raise ActionFailed(f"{kind} {arg!r} not shown within {timeout_s:g} s")
    return ms


async def settled_point(page, node_id: str, timeout_s: float) -> dict | None:
    """Where `node_id` is drawn once the view stops moving (None when it is not clickable)."""
    await page.wait_for_selector(READY, timeout=timeout_s * 1000)
    point = await page.evaluate(NODE_POINT_JS, node_id)
    for _ in range(20):
        await page.wait_for_timeout(150)
        again = await page.evaluate(NODE_POINT_JS, node_id)
        if point and again and abs(again["x"] - point["x"]) + abs(again["y"] - point["y"]) < 1:
            return again if again["hit"] else None
        point = again
    return None


async def check_state(page, s: Session, concept: str, plan: Plan) -> None:
    """The page must show this session's own marks and nothing else."""
    deadline = time.monotonic() + plan.timeout_s
    while True:
        state = await page.evaluate(STATE_JS)
        if state["error"]:
            raise ActionFailed("an error box is shown")
        expected = concept in s.known
        if state["known"] is not None and state["count"] is not None:
            if state["known"] == expected and state["count"] == len(s.known):
                return
            if time.monotonic() > deadline:
                s.leaks.append(f"{concept}: shows known={state['known']} count="
                               f"{state['count']}, own known={expected} count={len(s.known)}")
                return
        elif time.monotonic() > deadline:
            raise ActionFailed("the card's buttons or the sidebar count did not show")
        await page.wait_for_timeout(100)


async def click(page, s: Session, plan: Plan) -> float:
    await page.wait_for_selector(READY, timeout=plan.timeout_s * 1000)  # the graph is drawn
    # As a person would: bring the graph into sight first (a card click may have scrolled it out).
    await page.locator(".explorer-graph").first.scroll_into_view_if_needed()
    drawn = await page.evaluate(
        "() => window.__explorerGraph ? window.__explorerGraph.body.data.nodes.getIds() : []")
    options = [n for n in drawn if n != s.focus and n in plan.names]
    s.rng.shuffle(options)
    for target in options[:4]:
        point = await settled_point(page, target, plan.timeout_s)
        if point is None:
            continue
        await page.evaluate("() => window.__ltArm()")
        await page.mouse.click(point["x"], point["y"])
        ms = await wait_shown(page, "card", plan.names[target], plan.timeout_s)
        s.focus = target
        return ms
    raise ActionFailed(f"no neighbour of {s.focus} could be clicked")


async def search(page, s: Session, plan: Plan) -> float:
    # Half the time a concept of the shared pool, so sessions keep meeting each other's marks.
    target = s.rng.choice(plan.pool if s.rng.random() < 0.5 else plan.searchable)
    box = page.get_by_role("combobox", name=SEARCH_BOX)
    await page.evaluate("() => window.__ltArm()")
    name = plan.names[target]
    await box.fill(name[:-1])
    await box.press(name[-1])  # a real key: it starts the clock, and the box asks for hits
    ms = await wait_shown(page, "hit", target, plan.timeout_s)
    s.latencies["search"].append(ms)
    await page.evaluate("() => window.__ltArm()")
    await page.locator(f'.explorer-search li[role=option][data-id="{target}"]').first.click(
        timeout=plan.timeout_s * 1e3)
    ms = await wait_shown(page, "card", plan.names[target], plan.timeout_s)
    s.focus = target
    return ms  # the open of the hit counts as a click


async def mark(page, s: Session, plan: Plan) -> float:
    was = s.focus in s.known
    await page.evaluate("() => window.__ltArm()")
    await page.locator(".st-key-know button").first.click(timeout=plan.timeout_s * 1000)
    ms = await wait_shown(page, "know", "I know this" if was else "Known", plan.timeout_s)
    (s.known.discard if was else s.known.add)(s.focus)
    return ms


async def goto_start(page, s: Session, plan: Plan, timeout_s: float) -> float:
    """Open the app at the start concept; the milliseconds until the card and graph show."""
    begun = time.monotonic()
    await page.goto(f"{plan.url}/?concept={START}&profile={s.profile}",
                    timeout=timeout_s * 1000)
    await page.wait_for_selector(READY, timeout=timeout_s * 1000)
    await wait_shown(page, "card", plan.names[START], timeout_s)
    s.focus = START
    return (time.monotonic() - begun) * 1000


async def run_session(browser, s: Session, plan: Plan, painted: asyncio.Barrier,
                      opening: asyncio.Semaphore) -> None:
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(CLOCK_JS)
    page = await context.new_page()

    def on_error(_err) -> None:
        s.page_errors += 1

    page.on("pageerror", on_error)
    try:
        async with opening:
            s.paint_ms = await goto_start(page, s, plan, PAINT_TIMEOUT_S)
            await check_state(page, s, START, plan)
    except Exception as exc:  # noqa: BLE001 - counted, and this session sits the run out
        s.errors[f"first paint: {type(exc).__name__}"] += 1
        await painted.wait()
        await context.close()
        return
    await painted.wait()
    deadline = time.monotonic() + plan.seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(s.rng.uniform(*plan.think))
        # Marks only on the shared pool; elsewhere the session moves on.
        kind = s.rng.choice(ACTIONS if s.focus in plan.pool else ("click", "click", "search"))
        try:
            ms = await {"click": click, "search": search, "mark": mark}[kind](page, s, plan)
            s.latencies["click" if kind == "search" else kind].append(ms)
            await check_state(page, s, s.focus, plan)
        except Exception as exc:  # noqa: BLE001 - an error of the run, then start over
            s.errors[f"{kind}: {type(exc).__name__}: {str(exc)[:80]}"] += 1
            try:
                await goto_start(page, s, plan, plan.timeout_s * 2)
            except Exception:  # noqa: BLE001
                s.errors["recovery failed"] += 1
                break
    await context.close()


async def drive(plan: Plan, sessions: list[Session], measure) -> tuple:
    """Run the sessions; `measure()` is sampled when all have painted and when all are done."""
    from playwright.async_api import async_playwright  # noqa: PLC0415 (a test dependency)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        opened = measure()
        painted = asyncio.Barrier(len(sessions) + 1)
        opening = asyncio.Semaphore(OPENING_AT_ONCE)
        tasks = [asyncio.create_task(run_session(browser, s, plan, painted, opening))
                 for s in sessions]
        await painted.wait()
        begun = measure()
        await asyncio.gather(*tasks)
        ended = measure()
        await browser.close()
    return opened, begun, ended


def run_async(coro):
    """`asyncio.run` on a thread of its own: the caller's thread may already run an event loop
    (Playwright's sync API leaves one in a test process), and asyncio allows one per thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def warm_up(plan: Plan, query: str, model: bool) -> None:
    """One page that paints and searches until the model answers, so the graph, the model and
    the caches are loaded before the sessions start (the model loads on the first search)."""
    from playwright.async_api import async_playwright  # noqa: PLC0415

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = await browser.new_context()
        await context.add_init_script(CLOCK_JS)
        page = await context.new_page()
        s = Session(-1, "loadtest-warmup", random.Random(0))
        await goto_start(page, s, plan, PAINT_TIMEOUT_S)
        box = page.get_by_role("combobox", name=SEARCH_BOX)
        deadline = time.monotonic() + PAINT_TIMEOUT_S
        for n in range(1000):
            await box.fill(f"{query} {n}")
            await page.wait_for_selector(".explorer-search li[role=option]",
                                         timeout=PAINT_TIMEOUT_S * 1e3)
            await page.wait_for_timeout(500)
            loading = await page.get_by_text("the model is loading").count()
            if not model or not loading or time.monotonic() > deadline:
                break
            await page.wait_for_timeout(2000)
        await browser.close()


# --- CPU seconds per process tree (Linux /proc) ----------------------------------------------

def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and its reaped children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), sum(int(v) for v in fields[11:15]) / ticks


def tree_cpu(root: int, exclude: int | None = None) -> float:
    """CPU seconds of `root` and every process below it (without `exclude`'s tree)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            stats[int(entry.name)] = st
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid == exclude or pid not in stats:
            continue
        total += stats[pid][1]
        todo += children.get(pid, [])
    return total


# --- the run ---------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))], 1)


def build_graph(env: dict[str, str]) -> dict[str, str]:
    """Build the curated graph into env's EXPLORER_DB; return concept names by id."""
    import subprocess  # noqa: PLC0415

    from explorer.storage.graph_store import Store  # noqa: PLC0415

    done = subprocess.run([sys.executable, "-m", "explorer.cli", "build", "--no-model"],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"explorer build failed: {done.stderr[-2000:]}")
    store = Store(Path(env["EXPLORER_DB"]))
    try:
        return {c.id: c.name for c in store.load_graph().concepts.values()}
    finally:
        store.close()


def run(sessions: int = 20, seconds: float = 60, *, progress_url: str | None = None,
        model: bool = True, timeout_s: float = 30.0, think: tuple[float, float] = THINK_S,
        server_args: tuple[str, ...] = (), seed: int = 14, log=None) -> dict:
    """Drive `sessions` browser contexts for `seconds` against one server; the report."""
    say = log or (lambda _msg: None)
    with tempfile.TemporaryDirectory(prefix="explorer-loadtest-") as tmp:
        env = {"EXPLORER_DB": str(Path(tmp) / "graph.duckdb"),
               "EXPLORER_PROGRESS": str(Path(tmp) / "progress.sqlite"),
               "EXPLORER_PROGRESS_URL": progress_url or "",
               "EXPLORER_EMBEDDINGS": str(Path(tmp) / "embeddings"),
               "EXPLORER_NO_MODEL": "" if model else "1"}
        say("building the curated graph")
        names = build_graph(env)
        unique = Counter(names.values())
        searchable = sorted(c for c, n in names.items() if unique[n] == 1 and len(n) > 3)
        pool = [START, "momentum", "rmsprop", "sgd", "learning-rate", "gradient-descent",
                "weight-decay", "adamw", "batch-normalization", "backpropagation"]
        pool = [c for c in pool if c in names]
        log_path = Path(tempfile.gettempdir()) / f"explorer-loadtest-{os.getpid()}.log"
        run_id = f"{int(time.time()) % 100000}"
        with served(APP, env, log_path, args=server_args, cwd=PROJECT_ROOT) as (url, _, pid):
            plan = Plan(url, names, searchable, pool, seconds, timeout_s, think)
            rss_start = rss_mb(pid)
            say(f"server up at {url} (pid {pid}); warming up")
            run_async(warm_up(plan, "loss becomes NaN with float16", model))
            rss_before = rss_mb(pid)
            rng = random.Random(seed)
            group = [Session(i, f"load-{run_id}-{i}", random.Random(rng.random()))
                     for i in range(sessions)]
            say(f"{sessions} sessions for {seconds:g} s")

            def measure() -> tuple[float, float, float, float | None]:
                return (time.monotonic(), tree_cpu(pid), tree_cpu(os.getpid(), exclude=pid),
                        rss_mb(pid))

            opened, begun, ended = run_async(drive(plan, group, measure))
            wall = ended[0] - begun[0]
            cpu_server, cpu_client = ended[1] - begun[1], ended[2] - begun[2]
            paint = (begun[0] - opened[0], begun[1] - opened[1], begun[2] - opened[2])
            rss_painted, rss_after = begun[3], rss_mb(pid)
    return report(group, sessions=sessions, seconds=seconds, wall=wall,
                  backend="postgresql" if progress_url else "sqlite", model=model,
                  rss=(rss_start, rss_before, rss_after, rss_painted),
                  cpu=(cpu_server, cpu_client), paint=paint,
                  think=think, server_args=server_args, log=str(log_path))


def report(group: list[Session], *, sessions, seconds, wall, backend, model, rss, cpu, think,
           server_args, log, paint=(0.0, 0.0, 0.0)) -> dict:
    every = [ms for s in group for a in ACTIONS for ms in s.latencies[a]]
    errors = Counter()
    for s in group:
        errors.update(s.errors)
    actions = sum(len(s.latencies[a]) for s in group for a in ACTIONS)
    leaks = [f"{s.profile}: {leak}" for s in group for leak in s.leaks]
    cores = os.cpu_count() or 1
    out = {
        "sessions": sessions, "seconds": seconds, "backend": backend, "model": model,
        "think_s": list(think), "server_args": list(server_args),
        "actions": actions,
        "actions_per_session_min": min((sum(len(s.latencies[a]) for a in ACTIONS)
                                        for s in group), default=0),
        "errors": sum(errors.values()), "error_kinds": dict(errors),
        "page_errors": sum(s.page_errors for s in group),
        "p50_ms": percentile(every, 50), "p95_ms": percentile(every, 95),
        "by_action": {a: {"n": len(v), "p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95)}
                      for a in ACTIONS
                      for v in [[ms for s in group for ms in s.latencies[a]]]},
        "first_paint_p50_ms": percentile([s.paint_ms for s in group if s.paint_ms], 50),
        "first_paint_max_ms": percentile([s.paint_ms for s in group if s.paint_ms], 100),
        "rss_start_mb": rss[0], "rss_before_mb": rss[1], "rss_painted_mb": rss[3],
        "rss_after_mb": rss[2],
        "rss_per_session_mb": (round((rss[2] - rss[1]) / sessions, 1)
                               if None not in rss[1:3] and sessions else None),
        "cross_session_leaks": len(leaks), "leaks": leaks[:20],
        "wall_s": round(wall, 1), "cores": cores,
        "server_cpu_s": round(cpu[0], 1), "client_cpu_s": round(cpu[1], 1),
        "server_cpu_share": round(cpu[0] / (wall * cores), 2) if wall else None,
        "server_cpu_ms_per_action": round(cpu[0] * 1000 / actions, 1) if actions else None,
        "paint_phase": {"wall_s": round(paint[0], 1), "server_cpu_s": round(paint[1], 1),
                        "client_cpu_s": round(paint[2], 1)},
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "server_log": log,
    }
    out["held"] = out["errors"] == 0 and not leaks and out["page_errors"] == 0
    return out


def table(r: dict) -> str:
    lines = [f"{r['sessions']} sessions × {r['seconds']:g} s on {r['backend']} "
             f"(model {'on' if r['model'] else 'off'}): {'held' if r['held'] else 'DID NOT HOLD'}",
             f"  actions {r['actions']}, errors {r['errors']}, page errors {r['page_errors']}, "
             f"cross-session leaks {r['cross_session_leaks']}",
             f"  action → answer p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms; first paint p50 "
             f"{r['first_paint_p50_ms']} ms, max {r['first_paint_max_ms']} ms"]
    for a, v in r["by_action"].items():
        lines.append(f"    {a:<6} n={v['n']:<5} p50 {v['p50_ms']} ms  p95 {v['p95_ms']} ms")
    lines += [f"  server memory {r['rss_start_mb']} MB at start, {r['rss_before_mb']} MB warm, "
              f"{r['rss_painted_mb']} MB with every session open, {r['rss_after_mb']} MB after "
              f"({r['rss_per_session_mb']} MB per session)",
              f"  CPU over {r['wall_s']} s on {r['cores']} cores: server {r['server_cpu_s']} s "
              f"({r['server_cpu_ms_per_action']} ms per action), browsers and driver "
              f"{r['client_cpu_s']} s",
              f"  opening every session took {r['paint_phase']['wall_s']} s (server CPU "
              f"{r['paint_phase']['server_cpu_s']} s, client {r['paint_phase']['client_cpu_s']} s)"
              f"; machine load average {r['load_average']}"]
    lines += [f"  error: {k} × {n}" for k, n in r["error_kinds"].items()]
    lines += [f"  leak: {leak}" for leak in r["leaks"]]
    return "\n".join(lines)


def to_json(r: dict) -> str:
    return json.dumps(r, indent=1)
