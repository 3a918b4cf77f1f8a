// Curiosity Explorer graph: a Streamlit components-v2 module drawing with vis-network 9.1.2.
//
// Streamlit calls the default export on mount and again whenever `data` changes, always with the
// same parentElement. One vis Network lives per parentElement and is never rebuilt: each message
// is applied to its DataSets in place, so nodes that stay keep their positions and only new
// nodes get placed (next to a neighbour, then settled with everything else pinned).
//
// Messages (built by explorer/component/__init__.py):
//   { v, base, nodes: {put, del}, edges: {put, del}, options?, focus, height }
// base === null: the complete graph (put is everything; anything else is removed).
// base === v of the last message applied: a patch. Any other base means this browser does not
// hold what Python thinks it holds (reload, remount): ask for the complete graph ("resync").
//
// Labels and tooltips are text: string titles become elements whose textContent is set, and
// label markup (font.multi) is switched off.

// The UMD bundle from pyvis (copied next to this file by explorer.component). Imported as a
// module it finds no `exports`/`define`, so it attaches itself to globalThis.vis. The browser
// fetches it once; later imports of the same URL come from the module map.
import "./vendor/vis-network-9.1.2/vis-network.min.js";

const { Network, DataSet } = globalThis.vis;

const graphs = new WeakMap(); // parentElement -> graph state
const resyncAsked = new WeakMap(); // parentElement -> message version we asked a resync for

const DEFAULT_OPTIONS = {
  autoResize: true,
  layout: { randomSeed: 7, improvedLayout: true },
  interaction: { hover: true, tooltipDelay: 150, multiselect: false },
  physics: { stabilization: { enabled: true, iterations: 400, fit: true } },
};

// Options we always impose: text-only labels and a visible highlight for the selected node.
const FORCED_OPTIONS = {
  nodes: { font: { multi: false }, chosen: { node: emphasise, label: true } },
  edges: { font: { multi: false } },
};

function emphasise(values, _id, selected, hovering) {
  if (selected) {
    values.borderWidth = Math.max(values.borderWidth * 2, 4);
    values.borderColor = "#111827";
    values.shadow = true;
    values.shadowColor = "rgba(17, 24, 39, 0.45)";
    values.shadowSize = 14;
  } else if (hovering) {
    values.borderWidth += 1;
  }
}

function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function merge(...sources) {
  const out = {};
  for (const src of sources) {
    for (const [k, v] of Object.entries(src ?? {})) {
      out[k] = isPlainObject(v) && isPlainObject(out[k]) ? merge(out[k], v) : v;
    }
  }
  return out;
}

function isHierarchical(options) {
  const h = options.layout?.hierarchical;
  return h === true || (isPlainObject(h) && h.enabled !== false);
}

// A tooltip element holding plain text; never parsed as HTML.
function textTip(text) {
  const div = document.createElement("div");
  div.className = "explorer-tip";
  div.textContent = text;
  return div;
}

function toVisItem(raw) {
  const item = { ...raw };
  if (item.title !== undefined && item.title !== null) item.title = textTip(String(item.title));
  if (isPlainObject(item.font) && "multi" in item.font) item.font = { ...item.font, multi: false };
  return item;
}

// Split a message part into removed ids, added items and changed items. `held` maps each id in
// the DataSet to the signature and keys of the raw item it came from.
function plan(held, part, complete) {
  const put = part?.put ?? [];
  const putIds = new Set(put.map((r) => r.id));
  const removed = complete
    ? [...held.keys()].filter((id) => !putIds.has(id))
    : (part?.del ?? []).filter((id) => held.has(id));
  const added = [];
  const changed = [];
  for (const raw of put) {
    const sig = JSON.stringify(raw);
    const old = held.get(raw.id);
    if (old === undefined) {
      added.push(raw);
    } else if (old.sig !== sig) {
      // Keys that disappeared are reset to vis defaults with null.
      const cleared = Object.fromEntries(old.keys.filter((k) => !(k in raw)).map((k) => [k, null]));
      changed.push({ ...cleared, ...raw });
    }
    held.set(raw.id, { sig, keys: Object.keys(raw), fixed: raw.fixed });
  }
  for (const id of removed) held.delete(id);
  return { removed, added, changed };
}

function setFlag(g, name, value) {
  g.container.setAttribute(`data-${name}`, String(value));
}

function setHeight(g, height) {
  g.container.style.height = `${Number(height) || 560}px`;
}

function freezePhysics(g) {
  g.network.setOptions({ physics: { enabled: false, stabilization: { fit: false } } });
}

function create(root, msg) {
  let container = root.querySelector(".explorer-graph");
  if (!container) {
    container = document.createElement("div");
    container.className = "explorer-graph";
    root.appendChild(container);
  }
  const g = {
    container,
    nodes: new DataSet(),
    edges: new DataSet(),
    heldNodes: new Map(),
    heldEdges: new Map(),
    network: null,
    options: merge(DEFAULT_OPTIONS, msg.options, FORCED_OPTIONS),
    version: null,
    focus: undefined,
    ready: false,
    setTrigger: () => {},
  };
  setHeight(g, msg.height);
  g.nodes.add(plan(g.heldNodes, msg.nodes, true).added.map(toVisItem));
  g.edges.add(plan(g.heldEdges, msg.edges, true).added.map(toVisItem));
  const network = new Network(container, { nodes: g.nodes, edges: g.edges }, g.options);
  g.network = network;

  network.on("click", (p) => {
    if (p.nodes.length > 0) g.setTrigger("clicked", p.nodes[0]);
  });
  network.on("hoverNode", () => container.classList.add("is-hovering"));
  network.on("blurNode", () => container.classList.remove("is-hovering"));

  const markReady = () => {
    g.ready = true;
    network.once("afterDrawing", () => {
      setFlag(g, "ready", 1);
      setFlag(g, "settled", 1);
      reveal(g, g.focus);
    });
    network.redraw();
  };
  if (g.options.physics?.enabled === false) {
    markReady();
  } else {
    // Freeze the layout once the first stabilisation is done: from then on nothing drifts.
    network.once("stabilizationIterationsDone", () => {
      freezePhysics(g);
      markReady();
    });
  }
  window.__explorerGraph = network; // for browser tests and measurements
  return g;
}

function update(g, msg) {
  const complete = msg.base === null || msg.base === undefined;
  setHeight(g, msg.height);
  if (msg.options !== undefined) {
    g.options = merge(DEFAULT_OPTIONS, msg.options, FORCED_OPTIONS);
    g.network.setOptions(g.ready ? merge(g.options, { physics: { enabled: false } }) : g.options);
  }
  const nodes = plan(g.heldNodes, msg.nodes, complete);
  const edges = plan(g.heldEdges, msg.edges, complete);

  g.edges.remove(edges.removed);
  g.nodes.remove(nodes.removed);
  const keptIds = g.nodes.getIds();

  const added = nodes.added.map(toVisItem);
  let placed = 0;
  if (g.ready && !isHierarchical(g.options) && added.length) {
    const links = [...g.edges.get({ fields: ["from", "to"] }), ...edges.added, ...edges.changed];
    placed = placeNear(added, links, g.network.getPositions(keptIds));
  }
  g.nodes.update(nodes.changed.map(toVisItem));
  g.nodes.add(added);
  g.edges.update(edges.changed.map(toVisItem));
  g.edges.add(edges.added.map(toVisItem));

  if (placed > 0 && g.options.physics?.enabled !== false) relax(g, keptIds, placed);
  return added.map((n) => n.id);
}

// Put each new node next to a neighbour that is already drawn (golden-angle spread).
// Returns how many nodes it placed.
function placeNear(added, links, positions) {
  const neighbours = new Map();
  const link = (a, b) => (neighbours.get(a) ?? neighbours.set(a, []).get(a)).push(b);
  for (const e of links) {
    link(e.from, e.to);
    link(e.to, e.from);
  }
  const placed = { ...positions };
  const known = Object.values(placed);
  const centre = known.length
    ? {
        x: known.reduce((s, p) => s + p.x, 0) / known.length,
        y: known.reduce((s, p) => s + p.y, 0) / known.length,
      }
    : { x: 0, y: 0 };
  const fanout = new Map();
  let count = 0;
  for (const n of added) {
    if (typeof n.x === "number" && typeof n.y === "number") continue;
    const anchorId = (neighbours.get(n.id) ?? []).find((id) => placed[id] !== undefined);
    const anchor = anchorId === undefined ? centre : placed[anchorId];
    const k = fanout.get(anchorId) ?? 0;
    fanout.set(anchorId, k + 1);
    const angle = 0.7 + k * 2.39996; // golden angle
    const radius = 110 + 18 * k;
    n.x = anchor.x + radius * Math.cos(angle);
    n.y = anchor.y + radius * Math.sin(angle);
    placed[n.id] = { x: n.x, y: n.y };
    count += 1;
  }
  return count;
}

// Let physics settle only the new nodes: everything already drawn is pinned meanwhile.
function relax(g, pinned, count) {
  const { network, nodes } = g;
  setFlag(g, "settled", 0);
  nodes.update(pinned.map((id) => ({ id, fixed: true })));
  network.setOptions({ physics: { enabled: true, stabilization: { fit: false } } });
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    freezePhysics(g);
    const stillThere = pinned.filter((id) => nodes.get(id) !== null);
    nodes.update(stillThere.map((id) => ({ id, fixed: g.heldNodes.get(id)?.fixed ?? false })));
    setFlag(g, "settled", 1);
  };
  network.once("stabilizationIterationsDone", finish);
  setTimeout(finish, 2000); // vis emits nothing when there is nothing to move
  network.stabilize(Math.min(150, 40 + 10 * count));
}

function applyFocus(g, focus, addedIds) {
  if (focus === g.focus && !addedIds.includes(focus)) return;
  g.focus = focus;
  setFlag(g, "focus", focus ?? "");
  if (focus === null || g.nodes.get(focus) === null) {
    g.network.unselectAll();
    return;
  }
  g.network.selectNodes([focus]);
  if (g.ready) reveal(g, focus);
}

// Gently pan to the focused node when it sits near the edge or outside the view.
function reveal(g, id) {
  if (id === null || id === undefined || g.nodes.get(id) === null) return;
  const pos = g.network.getPositions([id])[id];
  if (!pos) return;
  const dom = g.network.canvasToDOM(pos);
  const w = g.container.clientWidth;
  const h = g.container.clientHeight;
  const inside = dom.x > w * 0.15 && dom.x < w * 0.85 && dom.y > h * 0.15 && dom.y < h * 0.85;
  if (inside) return;
  setFlag(g, "settled", 0);
  g.network.once("animationFinished", () => setFlag(g, "settled", 1));
  g.network.moveTo({ position: pos, animation: { duration: 450, easingFunction: "easeInOutQuad" } });
}

function destroy(root, g) {
  if (graphs.get(root) !== g) return;
  graphs.delete(root);
  if (window.__explorerGraph === g.network) delete window.__explorerGraph;
  g.network.destroy();
}

export default function mountGraph(component) {
  const { data, parentElement, setTriggerValue } = component;
  const msg = data ?? {};
  let g = graphs.get(parentElement);
  if (g) g.setTrigger = setTriggerValue;

  // Streamlit keeps only the latest cleanup and may call a stale one right away; destroy the
  // network only when the component has really left the page.
  const cleanup = () =>
    setTimeout(() => {
      const current = graphs.get(parentElement);
      if (current && !current.container.isConnected) destroy(parentElement, current);
    }, 0);

  if (g && msg.v === g.version) return cleanup; // the same message again (theme change, replay)
  const complete = msg.base === null || msg.base === undefined;
  if (!complete && (!g || msg.base !== g.version)) {
    if (resyncAsked.get(parentElement) !== msg.v) {
      resyncAsked.set(parentElement, msg.v);
      setTriggerValue("resync", g ? g.version : 0);
    }
    return cleanup;
  }

  let addedIds;
  if (!g) {
    g = create(parentElement, msg);
    g.setTrigger = setTriggerValue;
    graphs.set(parentElement, g);
    addedIds = g.nodes.getIds();
  } else {
    addedIds = update(g, msg);
  }
  g.version = msg.v;
  setFlag(g, "version", msg.v);
  setFlag(g, "nodes", g.nodes.length);
  applyFocus(g, msg.focus ?? null, addedIds);
  return cleanup;
}
