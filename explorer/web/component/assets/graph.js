// Curiosity Explorer graph: a Streamlit components-v2 module drawing with vis-network 9.1.2.
//
// Streamlit calls the default export on mount and again whenever `data` changes, always with the
// same parentElement. One vis Network lives per parentElement and is never rebuilt: each message
// is applied to its DataSets in place.
//
// Messages (built by explorer/web/component/__init__.py):
//   { v, base, nodes: {put, del}, edges: {put, del}, options?, view?, focus, highlight, height }
// base === null: the complete graph (put is everything; anything else is removed).
// base === v of the last message applied: a patch. Any other base means this browser does not
// hold what Python thinks it holds (reload, remount): ask for the complete graph ("resync").
//
// Two ways to place nodes:
// - atlas (view.atlas true): every node comes with its fixed atlas x/y and physics stays off.
//   After every change the view recentres on the focus and zooms so that every node and its
//   label fit the frame, animated. Nodes and labels keep their size on screen at any zoom (a
//   map's symbols do), and a label is drawn only where it overlaps no more important label
//   and is not cut by the frame; the rest show on hover (tooltip) or when zoomed in.
// - physics (no atlas, e.g. the demo app): the layout settles once and is then frozen; new
//   nodes are placed next to a neighbour, and the view pans only when the focus is off-side.
//
// The wheel scrolls the page unless the graph has been clicked (focused) or Ctrl/Meta is held;
// one-finger swipes scroll the page too (touch-action: pan-y), pinch zooms.
//
// Labels and tooltips are text: string titles become elements whose textContent is set, and
// label markup (font.multi) is switched off. The legend and notices are built with textContent.

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

// Options we always impose: text-only labels, a visible highlight for the selected node, and
// no wheel zoom from vis itself (ours lets the page scroll).
const FORCED_OPTIONS = {
  nodes: { font: { multi: false }, chosen: { node: emphasise, label: true } },
  edges: { font: { multi: false } },
  interaction: { zoomView: false },
};

const ATLAS_OPTIONS = {
  physics: { enabled: false },
  layout: { improvedLayout: false, randomSeed: 7 },
  interaction: { dragNodes: false, hover: true, tooltipDelay: 120, keyboard: false },
  nodes: { scaling: { label: { drawThreshold: 4 } } },
};

const NODE_PX = 11; // a node's radius on screen, in CSS pixels, at any zoom (atlas mode)
const FONT_PX = 13; // label size on screen
const LABEL_WRAP_PX = 150; // labels wrap at this width (vis widthConstraint)
const EDGE_PX = 1.2;
// Frame margins: room for a dot and a short label. A label that would still be cut by the frame
// is not drawn (placeLabels), so the margin need not hold the longest one.
const PAD_X = 40;
const PAD_Y = 30;
const MAX_SCALE = 1.4;
const ANIMATION = { duration: 520, easingFunction: "easeInOutQuad" };

function emphasise(values, _id, selected, hovering) {
  if (selected) {
    values.borderWidth = Math.max(values.borderWidth * 1.8, 4);
    values.shadow = true;
    values.shadowColor = "rgba(127, 127, 127, 0.6)";
    values.shadowSize = 16;
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

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// A tooltip element holding plain text; never parsed as HTML.
function textTip(text) {
  return el("div", "explorer-tip", text);
}

// A vis item from a raw one. Atlas nodes come compact: `fill` (score colour) and `layer`, whose
// ring colour is in the legend; atlas edges name their `kind`, whose style is in the legend.
function toVisItem(g, raw) {
  const item = { ...raw };
  if (item.title !== undefined && item.title !== null) item.title = textTip(String(item.title));
  if (isPlainObject(item.font) && "multi" in item.font) item.font = { ...item.font, multi: false };
  if (raw.fill !== undefined) {
    const ring = g.rings.get(raw.layer) ?? "#9ca3af";
    const colour = { background: raw.fill, border: ring };
    item.color = { ...colour, highlight: colour, hover: colour };
    delete item.fill;
  }
  if (raw.more) item.shapeProperties = { borderDashes: [4, 4] };
  if (raw.kind !== undefined && g.edgeStyles.has(raw.kind)) {
    Object.assign(item, g.edgeStyles.get(raw.kind), raw);
    if (raw.road) item.color = { color: g.theme.road, highlight: g.theme.road };
    else if (typeof item.color === "string") {
      // The focus's own edges stand out; the others are faint (the focus is not in the data,
      // so an edge travels once whatever the focus).
      const faint = raw.faint ?? (fadesOthers(g) && raw.width === undefined
        && raw.from !== g.focus && raw.to !== g.focus);
      item.color = { color: item.color, highlight: item.color, opacity: faint ? 0.28 : 1 };
    }
  }
  return item;
}

function fadesOthers(g) {
  return g.atlas && g.mode !== "map";
}

// Restyle the edges of the old and the new focus (faint or not) after the focus moved.
function restyleFocusEdges(g, before, after) {
  if (!fadesOthers(g) || before === after) return;
  const updates = [];
  for (const [id, held] of g.heldEdges) {
    const raw = held.raw;
    const touches = (f) => f != null && (raw.from === f || raw.to === f);
    if (touches(before) || touches(after)) updates.push({ id, ...toVisItem(g, raw) });
  }
  if (updates.length) g.edges.update(updates);
}

// Ring colours and edge styles from the view's legend, for toVisItem.
function indexView(g) {
  const legend = g.view.legend ?? {};
  g.rings = new Map((legend.layers ?? []).map((la) => [la.id, la.colour]));
  g.layerNames = new Map((legend.layers ?? []).map((la) => [la.id, la.name]));
  g.edgeStyles = new Map((legend.edges ?? []).map((e) => [e.kind, e.style ?? {}]));
}

// Items travel as { cols, rows } (keys once per message, null where an item lacks a key); an
// edge without an id gets its default one, from→to.
// Coded columns hold indices into the message's string table.
function rows(put, strings = []) {
  if (Array.isArray(put)) return put;
  if (!put || !Array.isArray(put.cols)) return [];
  const coded = new Set(put.coded ?? []);
  return put.rows.map((row) => {
    const item = {};
    put.cols.forEach((k, i) => {
      const v = row[i];
      if (v !== null && v !== undefined) item[k] = coded.has(k) ? strings[v] : v;
    });
    if (item.id === undefined && item.from !== undefined) item.id = `${item.from}\u2192${item.to}`;
    return item;
  });
}

// A compact atlas node ({id, label, x, y, layer, rank, p?, known?, bookmarked?}) as drawn: the
// fill from the legend's score buckets, the tooltip, and the marks (✓ known, ★ bookmarked).
function expandNode(g, raw) {
  if (!g.atlas || raw.more || raw.fill !== undefined) return raw;
  const legend = g.view.legend ?? {};
  const item = { ...raw };
  let fill = legend.unscored ?? "#bfdbfe";
  if (typeof raw.p === "number") {
    for (const b of legend.scores ?? []) if (raw.p >= (b.from ?? 0)) fill = b.colour;
  }
  item.fill = fill;
  const layer = g.layerNames.get(raw.layer) ?? raw.layer ?? "";
  const score = typeof raw.p === "number" ? ` · ${Math.round(raw.p * 100)}%` : "";
  const extra = (raw.known ? " · known" : "") + (raw.bookmarked ? " · bookmarked" : "");
  if (item.title === undefined) item.title = `${raw.label} · ${layer}${score}${extra}`;
  item.label = (raw.known ? "✓ " : "") + (raw.bookmarked ? "★ " : "") + raw.label;
  const marks = Object.fromEntries((legend.marks ?? []).map((m) => [m.label, m.shape]));
  if (raw.bookmarked) item.shape = marks.bookmarked ?? "star";
  else if (raw.known) item.shape = marks.known ?? "diamond";
  delete item.p;
  delete item.known;
  delete item.bookmarked;
  return item;
}

// Split a message part into removed ids, added items and changed items. `held` maps each id in
// the DataSet to the signature, keys and raw item it came from.
function plan(held, part, complete, expand = (r) => r, strings = []) {
  const put = rows(part?.put, strings).map(expand);
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
    held.set(raw.id, { sig, keys: Object.keys(raw), fixed: raw.fixed, raw });
  }
  for (const id of removed) held.delete(id);
  return { removed, added, changed };
}

function setFlag(g, name, value) {
  g.container.setAttribute(`data-${name}`, String(value));
}

// The canvas height: as asked, but on a narrow screen at most about half the viewport, so the
// page around it stays reachable.
function setHeight(g, height) {
  const asked = Number(height) || 560;
  const narrow = window.innerWidth < 640;
  const h = narrow ? Math.min(asked, Math.max(280, Math.round(window.innerHeight * 0.5))) : asked;
  g.stage.style.height = `${h}px`;
}

function freezePhysics(g) {
  g.network.setOptions({ physics: { enabled: false, stabilization: { fit: false } } });
}

// --- theme -------------------------------------------------------------------------------

// Colours from Streamlit's theme (components v2 exposes it as --st-* custom properties), so a
// dark theme gets light labels on a dark canvas. Labels get a halo of the background colour.
function readTheme(g) {
  const css = getComputedStyle(g.container);
  const pick = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const bg = pick("--st-background-color", "#ffffff");
  const dark = luminance(parseColour(bg)) < 0.2;
  return {
    bg,
    text: pick("--st-text-color", dark ? "#fafafa" : "#262730"),
    dark,
    band: dark ? "rgba(255, 255, 255, 0.045)" : "rgba(15, 23, 42, 0.04)",
    bandText: dark ? "rgba(250, 250, 250, 0.82)" : "rgba(38, 39, 48, 0.82)",
    road: dark ? "#fbbf24" : "#b45309",
  };
}

function parseColour(text) {
  const probe = document.createElement("canvas").getContext("2d");
  probe.fillStyle = "#000";
  probe.fillStyle = text;
  const v = probe.fillStyle; // "#rrggbb" or "rgba(r, g, b, a)"
  if (v.startsWith("#")) return [1, 3, 5].map((i) => parseInt(v.slice(i, i + 2), 16));
  return v.match(/[\d.]+/g).slice(0, 3).map(Number);
}

function luminance([r, g, b]) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function applyTheme(g) {
  const theme = readTheme(g);
  const same = g.theme && g.theme.bg === theme.bg && g.theme.text === theme.text;
  g.theme = theme;
  g.container.style.setProperty("--explorer-bg", theme.bg);
  g.container.style.setProperty("--explorer-text", theme.text);
  g.container.classList.toggle("is-dark", theme.dark);
  if (!same && g.network) {
    g.network.setOptions({
      nodes: { font: { color: theme.text, strokeColor: theme.bg, strokeWidth: 3 } },
    });
    if (g.atlas) resize(g);
  }
}

// --- the view ----------------------------------------------------------------------------

function visibleIds(g) {
  return g.nodes.getIds({ filter: (n) => !n.hidden });
}

// Scale and centre that show every node of `ids` (with room for its label) in the frame. With
// an `anchor` (the focus) the centre stays within OFF_CENTRE of the frame from it, so the focus
// sits in the middle of the view while a lopsided neighbourhood does not waste half of it.
const OFF_CENTRE = 0.14;

function frameFor(g, ids, anchor = null) {
  const w = g.stage.clientWidth;
  const h = g.stage.clientHeight;
  const pos = Object.values(g.network.getPositions(ids));
  if (!pos.length) return { position: anchor ?? { x: 0, y: 0 }, scale: 1 };
  const x0 = Math.min(...pos.map((p) => p.x));
  const x1 = Math.max(...pos.map((p) => p.x));
  const y0 = Math.min(...pos.map((p) => p.y));
  const y1 = Math.max(...pos.map((p) => p.y));
  const fit = (c) => {
    const dx = Math.max(x1 - c.x, c.x - x0);
    const dy = Math.max(y1 - c.y, c.y - y0);
    const sx = dx > 0 ? (w / 2 - PAD_X) / dx : MAX_SCALE;
    const sy = dy > 0 ? (h / 2 - PAD_Y) / dy : MAX_SCALE;
    return Math.max(0.02, Math.min(MAX_SCALE, sx, sy));
  };
  let c = { x: (x0 + x1) / 2, y: (y0 + y1) / 2 };
  if (anchor) {
    for (let i = 0; i < 4; i += 1) {
      const s = fit(c);
      const mx = (OFF_CENTRE * w) / s;
      const my = (OFF_CENTRE * h) / s;
      c = {
        x: Math.min(anchor.x + mx, Math.max(anchor.x - mx, c.x)),
        y: Math.min(anchor.y + my, Math.max(anchor.y - my, c.y)),
      };
    }
  }
  return { position: c, scale: fit(c) };
}

// Move the view (animated unless `instant`), resizing symbols for the zoom it lands on first,
// so they are the right size on screen when it arrives and nothing jumps at the end.
function moveView(g, target, instant = false) {
  if (g.destroyed) return;
  if (g.atlas) resize(g, target.scale);
  setFlag(g, "settled", 0);
  const token = (g.moveToken = (g.moveToken ?? 0) + 1);
  const done = () => {
    if (token !== g.moveToken || g.destroyed) return;
    placeLabels(g);
    setFlag(g, "settled", 1);
  };
  if (instant) {
    g.network.moveTo({ ...target, animation: false });
    requestAnimationFrame(done);
  } else {
    g.network.once("animationFinished", done);
    g.network.moveTo({ ...target, animation: ANIMATION });
    setTimeout(done, 4000); // in case vis skips the event (its animation counts frames)
  }
}

// The focus view: the focus near the middle, everything in the frame. The map: everything.
function frame(g, instant = false) {
  if (g.destroyed) return;
  const ids = visibleIds(g);
  if (!ids.length) return;
  const focus = g.focus;
  const anchor =
    g.mode !== "map" && focus != null && g.nodes.get(focus) ? g.network.getPositions([focus])[focus] : null;
  moveView(g, frameFor(g, ids, anchor), instant);
}

// Sizes in canvas units that make symbols NODE_PX / FONT_PX / EDGE_PX on screen at `scale`.
function resize(g, scale = g.network.getScale()) {
  const unit = 1 / Math.max(scale, 0.02);
  g.unit = unit;
  // Dots shrink a little when zoomed far out (a crowded map), labels never do.
  g.dot = NODE_PX * Math.min(1, Math.max(0.5, Math.sqrt(scale / 0.3)));
  const font = FONT_PX * unit;
  g.network.setOptions({
    nodes: {
      size: g.dot * unit,
      font: { size: font, strokeWidth: 3 * unit },
      widthConstraint: { maximum: LABEL_WRAP_PX * unit },
      borderWidth: 3, // vis draws borders in screen pixels already
      borderWidthSelected: 5,
    },
    edges: {
      width: EDGE_PX * unit,
      selectionWidth: 1.5 * unit,
      arrows: { to: { scaleFactor: 0.6 } },
      arrowStrikethrough: false,
    },
  });
  const updates = [];
  for (const [id, held] of g.heldNodes) {
    const raw = held.raw;
    const factor = raw.focus ? 1.6 : raw.more ? 1.2 : 1;
    const size = g.dot * unit * factor;
    updates.push({
      id,
      size,
      borderWidth: raw.borderWidth ?? (g.dot < 8 ? 2 : 3),
      font: labelFont(g, id),
    });
  }
  g.nodes.update(updates);
  const edgeUpdates = [];
  for (const [id, held] of g.heldEdges) {
    if (held.raw.width !== undefined) edgeUpdates.push({ id, width: held.raw.width * unit });
  }
  if (edgeUpdates.length) g.edges.update(edgeUpdates);
}

// Draw a label only where it overlaps no label of a more important node and stays inside the
// frame; most important first (the focus, highlighted and road nodes, the nearest, the highest
// score). Hidden labels come back on hover (as a tooltip) and when zooming in makes room.
function placeLabels(g) {
  if (!g.atlas || g.destroyed) return;
  const w = g.stage.clientWidth;
  const h = g.stage.clientHeight;
  const ids = visibleIds(g);
  const pos = g.network.getPositions(ids);
  const ctx = g.measure;
  ctx.font = `${FONT_PX}px ${g.options.nodes?.font?.face ?? "arial"}`; // as vis draws them
  const order = ids
    .map((id) => ({ id, raw: g.heldNodes.get(id)?.raw ?? {} }))
    .sort((a, b) => (a.raw.rank ?? 9) - (b.raw.rank ?? 9) || String(a.id).localeCompare(b.id));
  // The layer names drawn at the left of each band are obstacles too, where there is room (on
  // a phone a concept's label, with its halo, may cover a layer name).
  const placed = w >= 500 ? bandLabelBoxes(g, ctx) : [];
  const shown = new Set();
  const sides = new Map();
  const dots = ids.map((id) => g.network.canvasToDOM(pos[id]));
  for (const { id, raw } of order) {
    const label = String(raw.label ?? "");
    const dom = g.network.canvasToDOM(pos[id]);
    const factor = fontFactor(raw);
    const lines = wrapLines(ctx, label, LABEL_WRAP_PX);
    const width = Math.max(...lines.map((l) => ctx.measureText(l).width), 1) * factor;
    const height = lines.length * FONT_PX * 1.25 * factor;
    const radius = (g.dot ?? NODE_PX) * (raw.focus ? 1.6 : 1);
    const below = { x0: dom.x - width / 2, x1: dom.x + width / 2, y0: dom.y + radius + 3 };
    below.y1 = below.y0 + height;
    const above = { ...below, y1: dom.y - radius - 3 };
    above.y0 = above.y1 - height;
    const must = raw.focus || id === g.highlight;
    const near = (raw.rank ?? 9) < 4; // the focus's own neighbours may cover a dot
    const fits = (box) =>
      box.x0 >= 2 && box.x1 <= w - 2 && box.y0 >= 0 && box.y1 <= h - 2 &&
      !placed.some((o) => overlaps(o, box, 3)) &&
      (near || dots.every((d) => !(d.x > box.x0 - 4 && d.x < box.x1 + 4 && d.y > box.y0 - 2 && d.y < box.y1 + 2)));
    const side = must || fits(below) ? "below" : fits(above) ? "above" : null;
    if (side) {
      const box = side === "below" ? below : above;
      placed.push(box);
      shown.add(id);
      // vis draws a dot's label below it; `vadjust` (canvas units) lifts it above instead.
      sides.set(id, side === "above" ? -(2 * radius + height + 6) * (g.unit ?? 1) : 0);
    }
  }
  const before = g.labelShown;
  const beforeSides = g.labelSides ?? new Map();
  g.labelShown = shown;
  g.labelSides = sides;
  const changed = ids.filter(
    (id) => !before || before.has(id) !== shown.has(id) || beforeSides.get(id) !== sides.get(id),
  );
  if (!changed.length) return;
  g.nodes.update(changed.map((id) => ({ id, font: labelFont(g, id) })));
  setFlag(g, "labels", shown.size);
}

// The font of one node's label: its size on screen (0 = hidden) and which side of the dot.
function labelFont(g, id) {
  const raw = g.heldNodes.get(id)?.raw ?? {};
  const shown = g.labelShown?.has(id) !== false;
  return {
    ...(raw.font ?? {}),
    size: shown ? FONT_PX * (g.unit ?? 1) * fontFactor(raw) : 0,
    vadjust: g.labelSides?.get(id) ?? 0,
  };
}

function bandPx(g) {
  return g.stage.clientWidth < 500 ? 10 : 12;
}

function bandLabelBoxes(g, ctx) {
  const bands = g.view.bands ?? [];
  const boxes = [];
  const top = g.network.DOMtoCanvas({ x: 0, y: 0 }).y;
  for (const band of bands) {
    const y = g.network.canvasToDOM({ x: 0, y: Math.max(band.top, top) }).y + 6;
    const width = ctx.measureText(band.name).width * (bandPx(g) / FONT_PX) + 14;
    boxes.push({ x0: 0, x1: width, y0: y, y1: y + bandPx(g) + 3 });
  }
  return boxes;
}

function fontFactor(raw) {
  return raw.focus ? 1.25 : 1;
}

function wrapLines(ctx, text, max) {
  const words = text.split(/\s+/);
  const lines = [];
  let line = "";
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > max) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}

function overlaps(a, b, gap) {
  return a.x0 < b.x1 + gap && b.x0 < a.x1 + gap && a.y0 < b.y1 + gap && b.y0 < a.y1 + gap;
}

// --- the layer bands, drawn under the graph ----------------------------------------------

function drawBands(g, ctx) {
  const bands = g.view.bands;
  if (!g.atlas || !Array.isArray(bands) || !bands.length) return;
  const w = g.stage.clientWidth;
  const h = g.stage.clientHeight;
  const tl = g.network.DOMtoCanvas({ x: 0, y: 0 });
  const br = g.network.DOMtoCanvas({ x: w, y: h });
  const unit = 1 / g.network.getScale();
  const hidden = g.hiddenLayers;
  ctx.save();
  for (const band of bands) {
    if (band.bottom < tl.y || band.top > br.y) continue;
    if (band.index % 2 === 0) {
      ctx.fillStyle = g.theme.band;
      ctx.fillRect(tl.x, band.top, br.x - tl.x, band.bottom - band.top);
    }
    ctx.fillStyle = band.colour;
    ctx.fillRect(tl.x, band.top, 5 * unit, band.bottom - band.top);
    const top = Math.max(band.top, tl.y);
    ctx.font = `600 ${bandPx(g) * unit}px ${g.options.nodes?.font?.face ?? "arial"}`;
    ctx.textBaseline = "top";
    ctx.fillStyle = g.theme.bandText;
    const name = hidden.has(band.layer) ? `${band.name} (hidden)` : band.name;
    ctx.fillText(name, tl.x + 10 * unit, top + 6 * unit);
  }
  ctx.restore();
}

// --- controls, legend, notices -----------------------------------------------------------

function button(label, text, onClick) {
  const b = el("button", "explorer-btn", text);
  b.type = "button";
  b.title = label;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", (e) => {
    e.stopPropagation();
    onClick();
  });
  return b;
}

function zoomBy(g, factor, around) {
  const scale = g.network.getScale();
  const next = Math.max(0.02, Math.min(4, scale * factor));
  const view = g.network.getViewPosition();
  const p = around ?? view;
  const position = { x: p.x + ((view.x - p.x) * scale) / next, y: p.y + ((view.y - p.y) * scale) / next };
  return { position, scale: next };
}

function buildControls(g) {
  const bar = el("div", "explorer-controls");
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Graph view");
  bar.append(
    button("Zoom in", "+", () => moveView(g, zoomBy(g, 1.5))),
    button("Zoom out", "\u2212", () => moveView(g, zoomBy(g, 1 / 1.5))),
    button("Fit everything in the frame", "\u2922", () => moveView(g, frameFor(g, visibleIds(g)))),
    button("Reset the view to the focus", "\u27f2", () => frame(g)),
  );
  g.stage.appendChild(bar);
  g.notice = el("div", "explorer-notice");
  g.notice.setAttribute("role", "status");
  g.notice.hidden = true;
  g.stage.appendChild(g.notice);
}

function showNotice(g, text) {
  g.notice.textContent = text ?? "";
  g.notice.hidden = !text;
}

function swatch(kind, style) {
  const s = el("span", `explorer-swatch explorer-swatch-${kind}`);
  for (const [k, v] of Object.entries(style ?? {})) s.style.setProperty(k, v);
  s.setAttribute("aria-hidden", "true");
  return s;
}

// The legend: score fills, layer rings (each a toggle that hides or shows that layer), edge
// kinds, known and bookmarked, from `view.legend` (built in Python from the registries).
function renderLegend(g) {
  const legend = g.view.legend;
  g.legendBox.replaceChildren();
  if (!legend) return;
  // A disclosure: open on a wide screen, folded on a phone (where it would fill a screen).
  const details = el("details", "explorer-legend-box");
  details.open = g.legendOpen ?? window.innerWidth >= 640;
  details.addEventListener("toggle", () => {
    g.legendOpen = details.open;
  });
  details.append(el("summary", "explorer-legend-summary", "Legend and layer filter"));
  g.legendBox.append(details);
  const row = (title, items) => {
    const line = el("div", "explorer-legend-row");
    line.append(el("span", "explorer-legend-title", title));
    for (const item of items) line.append(item);
    details.append(line);
  };
  const entry = (sw, text) => {
    const e = el("span", "explorer-legend-item");
    e.append(sw, el("span", "", text));
    return e;
  };
  row("Score", (legend.scores ?? []).map((s) => entry(swatch("dot", { background: s.colour }), s.label)));
  if (legend.layers?.length) {
    row(
      "Layer (ring; click to hide)",
      legend.layers.map((la) => {
        const b = el("button", "explorer-legend-item explorer-layer-toggle");
        b.type = "button";
        b.setAttribute("aria-pressed", String(!g.hiddenLayers.has(la.id)));
        b.title = `Show or hide ${la.name}`;
        b.append(swatch("ring", { "border-color": la.colour }), el("span", "", la.name));
        b.addEventListener("click", () => toggleLayer(g, la.id, b));
        return b;
      }),
    );
  }
  row(
    "Edges",
    (legend.edges ?? []).map((e) =>
      entry(swatch("edge", { "border-top-color": e.colour, "border-top-style": e.dashes ? "dashed" : "solid" }), e.label),
    ),
  );
  row(
    "Marks",
    (legend.marks ?? []).map((m) => entry(swatch(m.shape, { background: m.colour ?? "" }), m.label)),
  );
  if (legend.note) details.append(el("div", "explorer-legend-note", legend.note));
}

function toggleLayer(g, layer, b) {
  if (g.hiddenLayers.has(layer)) g.hiddenLayers.delete(layer);
  else g.hiddenLayers.add(layer);
  b.setAttribute("aria-pressed", String(!g.hiddenLayers.has(layer)));
  applyLayerFilter(g);
  placeLabels(g);
}

function applyLayerFilter(g) {
  const updates = [];
  for (const [id, held] of g.heldNodes) {
    const hide = g.hiddenLayers.has(held.raw.layer) && !held.raw.focus;
    if (Boolean(g.nodes.get(id)?.hidden) !== hide) updates.push({ id, hidden: hide });
  }
  if (updates.length) g.nodes.update(updates);
  g.network.redraw();
}

// --- wheel, touch, focus of the widget ---------------------------------------------------

function wireInput(g) {
  const stage = g.stage;
  stage.tabIndex = 0;
  stage.setAttribute("aria-label", "Concept graph: click to let the wheel zoom; Escape releases it");
  const activate = (on) => {
    g.active = on;
    stage.classList.toggle("is-active", on);
  };
  stage.addEventListener("pointerdown", () => activate(true));
  stage.addEventListener("keydown", (e) => {
    if (e.key === "Escape") activate(false);
  });
  stage.addEventListener("blur", () => activate(false));
  document.addEventListener(
    "pointerdown",
    (e) => {
      if (!e.composedPath().includes(stage)) activate(false);
    },
    true,
  );
  // The page scrolls under the wheel unless the graph is active or a modifier is held.
  stage.addEventListener(
    "wheel",
    (e) => {
      if (!(g.active || e.ctrlKey || e.metaKey) || e.deltaY === 0) return;
      e.preventDefault();
      const rect = stage.getBoundingClientRect();
      const at = g.network.DOMtoCanvas({ x: e.clientX - rect.left, y: e.clientY - rect.top });
      const target = zoomBy(g, e.deltaY < 0 ? 1.2 : 1 / 1.2, at);
      if (g.atlas) resize(g, target.scale);
      g.network.moveTo({ ...target, animation: false });
      clearTimeout(g.labelTimer);
      g.labelTimer = setTimeout(() => placeLabels(g), 120);
    },
    { passive: false },
  );
}

// One-finger swipes scroll the page: Hammer (inside vis) sets touch-action: none on its frame;
// pan-y hands vertical swipes back to the browser, while pinch and sideways drags stay ours.
function allowPageSwipe(g) {
  for (const e of g.stage.querySelectorAll(".vis-network, canvas")) e.style.touchAction = "pan-y";
}

// --- create / update ---------------------------------------------------------------------

function create(root, msg) {
  let container = root.querySelector(".explorer-graph");
  if (!container) {
    container = el("div", "explorer-graph");
    root.appendChild(container);
  }
  const stage = el("div", "explorer-stage");
  const legendBox = el("div", "explorer-legend");
  container.append(stage, legendBox);
  const g = {
    container,
    stage,
    legendBox,
    nodes: new DataSet(),
    edges: new DataSet(),
    heldNodes: new Map(),
    heldEdges: new Map(),
    network: null,
    view: msg.view ?? {},
    atlas: Boolean(msg.view?.atlas),
    mode: msg.view?.mode ?? "focus",
    hiddenLayers: new Set(),
    measure: document.createElement("canvas").getContext("2d"),
    version: null,
    focus: undefined,
    highlight: null,
    ready: false,
    setTrigger: () => {},
  };
  setHeight(g, msg.height);
  applyTheme(g);
  indexView(g);
  if (g.atlas) g.labelShown = new Set(); // labels appear once placed, never overlapping
  g.rawOptions = msg.options;
  g.options = options(g, msg.options);
  g.focus = msg.focus ?? null; // known before the edges are styled
  const strings = msg.strings ?? [];
  g.nodes.add(plan(g.heldNodes, msg.nodes, true, (r) => expandNode(g, r), strings).added.map((r) => toVisItem(g, r)));
  g.edges.add(plan(g.heldEdges, msg.edges, true, undefined, strings).added.map((r) => toVisItem(g, r)));
  const network = new Network(stage, { nodes: g.nodes, edges: g.edges }, g.options);
  g.network = network;
  buildControls(g);
  wireInput(g);
  allowPageSwipe(g);
  renderLegend(g);

  network.on("beforeDrawing", (ctx) => drawBands(g, ctx));
  network.on("click", (p) => onClick(g, p));
  network.on("doubleClick", (p) => {
    if (g.mode === "map" && p.nodes.length > 0) g.setTrigger("clicked", p.nodes[0]);
  });
  network.on("hoverNode", () => container.classList.add("is-hovering"));
  network.on("blurNode", () => container.classList.remove("is-hovering"));
  network.on("dragEnd", () => placeLabels(g));
  // vis rescales the view when its frame changes size (a column reflows, the phone turns):
  // fit again, so sizes on screen stay right and nothing ends up outside.
  network.on("resize", () => {
    if (!g.atlas || !g.ready) return;
    clearTimeout(g.resizeTimer);
    g.resizeTimer = setTimeout(() => frame(g, true), 120);
  });

  const markReady = () => {
    g.ready = true;
    network.once("afterDrawing", () => {
      setFlag(g, "ready", 1);
      if (!g.atlas) {
        setFlag(g, "settled", 1);
        reveal(g, g.focus);
      }
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

function options(g, fromPython) {
  const theme = g.theme;
  const themed = { nodes: { font: { color: theme.text, strokeColor: theme.bg, strokeWidth: 3 } } };
  return g.atlas
    ? merge(DEFAULT_OPTIONS, fromPython, ATLAS_OPTIONS, themed, FORCED_OPTIONS)
    : merge(DEFAULT_OPTIONS, fromPython, themed, FORCED_OPTIONS);
}

// A click on a concept moves the view there at once, before Python answers; in the whole map
// a first click zooms into the region (or the concept), a second click on it opens it.
function onClick(g, p) {
  const id = p.nodes.length > 0 ? p.nodes[0] : null;
  if (g.mode === "map") {
    const at = id !== null ? g.network.getPositions([id])[id] : p.pointer.canvas;
    if (id !== null && g.lastMapPick === id) {
      g.setTrigger("clicked", id);
      return;
    }
    g.lastMapPick = id;
    const scale = Math.max(g.network.getScale() * 2.2, 0.45);
    moveView(g, { position: at, scale: Math.min(scale, 1.2) });
    return;
  }
  if (id === null) return;
  const raw = g.heldNodes.get(id)?.raw ?? {};
  if (g.atlas && !raw.more && id !== g.focus) {
    g.network.selectNodes([id]);
    const pos = g.network.getPositions([id])[id];
    moveView(g, { position: pos, scale: g.network.getScale() });
  }
  g.setTrigger("clicked", id);
}

function update(g, msg) {
  const complete = msg.base === null || msg.base === undefined;
  setHeight(g, msg.height);
  let viewChanged = false;
  if (msg.view !== undefined) {
    g.view = msg.view ?? {};
    g.mode = g.view.mode ?? "focus";
    g.atlas = Boolean(g.view.atlas);
    indexView(g);
    viewChanged = true;
    renderLegend(g);
  }
  if (msg.options !== undefined || viewChanged) {
    g.options = options(g, msg.options ?? g.rawOptions);
    g.network.setOptions(g.ready ? merge(g.options, { physics: { enabled: false } }) : g.options);
  }
  if (msg.options !== undefined) g.rawOptions = msg.options;
  const strings = msg.strings ?? [];
  const nodes = plan(g.heldNodes, msg.nodes, complete, (r) => expandNode(g, r), strings);
  // An edge goes with either of its nodes: Python does not list those deletions.
  if (!complete && nodes.removed.length) {
    const gone = new Set(nodes.removed);
    const implied = [...g.heldEdges].filter(([, h]) => gone.has(h.raw.from) || gone.has(h.raw.to));
    const del = new Set(msg.edges?.del ?? []);
    for (const [id] of implied) del.add(id);
    msg = { ...msg, edges: { ...msg.edges, del: [...del] } };
  }
  g.previousFocus = g.focus;
  g.focus = msg.focus ?? null; // edges are styled against the new focus
  const edges = plan(g.heldEdges, msg.edges, complete, undefined, strings);

  g.edges.remove(edges.removed);
  g.nodes.remove(nodes.removed);
  const keptIds = g.nodes.getIds();

  const added = nodes.added.map((r) => toVisItem(g, r));
  let placed = 0;
  if (!g.atlas && g.ready && !isHierarchical(g.options) && added.length) {
    const links = [...g.edges.get({ fields: ["from", "to"] }), ...edges.added, ...edges.changed];
    placed = placeNear(added, links, g.network.getPositions(keptIds));
  }
  g.nodes.update(nodes.changed.map((r) => toVisItem(g, r)));
  g.nodes.add(added);
  g.edges.update(edges.changed.map((r) => toVisItem(g, r)));
  g.edges.add(edges.added.map((r) => toVisItem(g, r)));
  if (g.atlas) {
    applyLayerFilter(g);
    // New labels start hidden until placed, so no overlapping text flashes during the move.
    for (const n of added) g.labelShown?.delete(n.id);
  }

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
  if (g.destroyed) return;
  const { network, nodes } = g;
  setFlag(g, "settled", 0);
  nodes.update(pinned.map((id) => ({ id, fixed: true })));
  network.setOptions({ physics: { enabled: true, stabilization: { fit: false } } });
  let done = false;
  const finish = () => {
    if (done || g.destroyed) return;
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

function applyFocus(g, focus, addedIds, changed) {
  const before = g.previousFocus === undefined ? g.focus : g.previousFocus;
  const moved = focus !== before || addedIds.includes(focus);
  g.previousFocus = undefined;
  g.focus = focus;
  restyleFocusEdges(g, before, focus);
  setFlag(g, "focus", focus ?? "");
  if (focus === null || g.nodes.get(focus) === null) {
    g.network.unselectAll();
  } else if (moved) {
    g.network.selectNodes([focus]);
  }
  if (!g.ready || !g.framed) return; // the first view is framed once drawn
  if (g.atlas) {
    if (moved || changed) frame(g);
  } else if (moved) {
    reveal(g, focus);
  }
}

// Point at the highlighted concept ("where is softmax here?"): ring it and bring it into view,
// or say that this view does not show it.
function applyHighlight(g, highlight, label) {
  const prev = g.highlight;
  g.highlight = highlight ?? null;
  if (prev === g.highlight) return;
  setFlag(g, "highlight", g.highlight ?? "");
  const restore = [];
  if (prev != null && g.nodes.get(prev)) {
    const raw = g.heldNodes.get(prev)?.raw ?? {};
    restore.push({ id: prev, color: toVisItem(g, raw).color ?? null, shadow: false });
  }
  if (restore.length) g.nodes.update(restore);
  if (g.highlight == null) {
    showNotice(g, "");
    return;
  }
  const node = g.nodes.get(g.highlight);
  if (!node) {
    showNotice(g, `${label || g.highlight} is not in this view`);
    return;
  }
  showNotice(g, `Showing ${label || g.highlight}`);
  const raw = g.heldNodes.get(g.highlight)?.raw ?? {};
  const fill = raw.fill ?? (typeof raw.color === "string" ? raw.color : raw.color?.background);
  g.nodes.update({
    id: g.highlight,
    color: { background: fill ?? "#bfdbfe", border: g.theme.road },
    shadow: { enabled: true, color: g.theme.road, size: 24, x: 0, y: 0 },
  });
  if (g.ready) {
    const pos = g.network.getPositions([g.highlight])[g.highlight];
    moveView(g, { position: pos, scale: Math.max(g.network.getScale(), 0.6) });
  }
}

// Gently pan to the focused node when it sits near the edge or outside the view (physics mode).
function reveal(g, id) {
  if (id === null || id === undefined || g.nodes.get(id) === null) return;
  const pos = g.network.getPositions([id])[id];
  if (!pos) return;
  const dom = g.network.canvasToDOM(pos);
  const w = g.stage.clientWidth;
  const h = g.stage.clientHeight;
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
  g.destroyed = true; // timers still pending (a fit, labels) find nothing to do
  clearTimeout(g.resizeTimer);
  clearTimeout(g.labelTimer);
  g.network.destroy();
}

// Python sends the message as compact JSON bytes (a dict would travel with spaces).
function parseData(data) {
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    return JSON.parse(new TextDecoder().decode(data));
  }
  if (typeof data === "string") return JSON.parse(data);
  return data ?? {};
}

export default function mountGraph(component) {
  const { data, parentElement, setTriggerValue } = component;
  const msg = parseData(data);
  let g = graphs.get(parentElement);
  if (g) g.setTrigger = setTriggerValue;

  // Streamlit keeps only the latest cleanup and may call a stale one right away; destroy the
  // network only when the component has really left the page.
  const cleanup = () =>
    setTimeout(() => {
      const current = graphs.get(parentElement);
      if (current && !current.container.isConnected) destroy(parentElement, current);
    }, 0);

  if (g && msg.v === g.version) {
    applyTheme(g); // the same message again: a theme change, or a replay
    return cleanup;
  }
  const complete = msg.base === null || msg.base === undefined;
  if (!complete && (!g || msg.base !== g.version)) {
    if (resyncAsked.get(parentElement) !== msg.v) {
      resyncAsked.set(parentElement, msg.v);
      setTriggerValue("resync", g ? g.version : 0);
    }
    return cleanup;
  }

  let addedIds;
  let changed = false;
  if (!g) {
    g = create(parentElement, msg);
    g.setTrigger = setTriggerValue;
    graphs.set(parentElement, g);
    addedIds = g.nodes.getIds();
  } else {
    applyTheme(g);
    const before = g.nodes.length;
    addedIds = update(g, msg);
    changed = addedIds.length > 0 || g.nodes.length !== before;
  }
  g.version = msg.v;
  setFlag(g, "version", msg.v);
  setFlag(g, "nodes", g.nodes.length);
  setFlag(g, "mode", g.mode);
  applyFocus(g, msg.focus ?? null, addedIds, changed);
  if (g.atlas && g.ready && !g.framed) {
    g.framed = true;
    frame(g, true); // the first view: nothing to animate from
  }
  applyHighlight(g, msg.highlight ?? null, msg.highlightLabel);
  return cleanup;
}
