// Curiosity Explorer search: a components-v2 combobox whose results open over the page.
//
// The input and its list live here; Python searches. Each keystroke (debounced) sets the state
// `query`; Python answers with `data` = { query, hits: [{id, name, detail, close}], heading,
// note, clear, label, placeholder }, the hits for `data.query`. Triggers sent back:
//   open  (a hit's id: a click, or Enter on the active hit)
//   enter (the typed text: Enter before the hits for it arrived; Python opens its top hit)
//   where (the active hit's id: "Show … in the graph")
// Keys: ArrowDown/ArrowUp move through hits (aria-activedescendant: focus stays in the input),
// Enter opens, Escape closes. The list is absolutely placed, so it pushes nothing down.
// Everything shown is text (textContent), never markup.

const boxes = new WeakMap(); // parentElement -> box state
const DEBOUNCE_MS = 180;
let uid = 0;

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

function create(parentElement) {
  const id = `explorer-search-${++uid}`;
  const root = el("div", { class: "explorer-search", role: "search" });
  const label = el("label", { for: `${id}-input`, class: "visually-hidden" }, "Search");
  const input = el("input", {
    id: `${id}-input`, type: "search", role: "combobox", autocomplete: "off",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": `${id}-list`,
    spellcheck: "false",
  });
  const panel = el("div", { class: "explorer-search-panel", hidden: "" });
  const heading = el("div", { class: "explorer-search-heading", id: `${id}-heading`,
                              "aria-live": "polite" });
  const note = el("div", { class: "explorer-search-note" });
  const list = el("ul", { id: `${id}-list`, role: "listbox", "aria-labelledby": `${id}-heading` });
  const where = el("button", { type: "button", class: "explorer-search-where" });
  panel.append(heading, note, list, where);
  root.append(label, input, panel);
  parentElement.append(root);
  const b = { id, root, input, panel, heading, note, list, where, hits: [], forQuery: "",
              active: -1, timer: null, clear: null, setState: null, setTrigger: null };

  const send = () => {
    clearTimeout(b.timer);
    b.setState?.("query", input.value);
  };
  input.addEventListener("input", () => {
    clearTimeout(b.timer);
    b.timer = setTimeout(send, DEBOUNCE_MS);
    b.active = -1;
    if (!input.value.trim()) close(b);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (!b.hits.length) return;
      open(b);
      const step = ev.key === "ArrowDown" ? 1 : -1;
      b.active = (b.active + step + b.hits.length) % b.hits.length;
      if (b.active < 0) b.active = b.hits.length - 1;
      markActive(b);
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      const current = b.forQuery === input.value;
      if (current && b.active >= 0 && b.hits[b.active]) choose(b, b.hits[b.active].id);
      else if (current && b.hits.length && b.hits[0].close) choose(b, b.hits[0].id);
      else if (input.value.trim()) {
        send();
        b.setTrigger?.("enter", input.value);
      }
    } else if (ev.key === "Escape") {
      if (!b.panel.hidden) { ev.preventDefault(); close(b); }
    }
  });
  input.addEventListener("focus", () => { if (b.hits.length || b.heading.textContent) open(b); });
  // Close when focus leaves the whole box (a click on a hit keeps it: mousedown is prevented).
  root.addEventListener("focusout", (ev) => {
    if (!root.contains(ev.relatedTarget)) setTimeout(() => {
      if (!root.contains(root.getRootNode().activeElement)) close(b);
    }, 0);
  });
  list.addEventListener("mousedown", (ev) => ev.preventDefault());
  list.addEventListener("click", (ev) => {
    const item = ev.target.closest("[role=option]");
    if (item) choose(b, item.dataset.id);
  });
  list.addEventListener("mousemove", (ev) => {
    const item = ev.target.closest("[role=option]");
    if (item && Number(item.dataset.index) !== b.active) {
      b.active = Number(item.dataset.index);
      markActive(b);
    }
  });
  where.addEventListener("click", () => {
    const hit = b.hits[b.active >= 0 ? b.active : 0];
    if (hit) b.setTrigger?.("where", hit.id);
  });
  return b;
}

function open(b) {
  b.panel.hidden = false;
  b.input.setAttribute("aria-expanded", "true");
  b.root.dataset.open = "1";
}

function close(b) {
  b.panel.hidden = true;
  b.input.setAttribute("aria-expanded", "false");
  b.input.removeAttribute("aria-activedescendant");
  b.root.dataset.open = "0";
}

function choose(b, id) {
  b.setTrigger?.("open", id);
  close(b);
}

function markActive(b) {
  for (const item of b.list.children) {
    const on = Number(item.dataset.index) === b.active;
    item.setAttribute("aria-selected", on ? "true" : "false");
    if (on) {
      b.input.setAttribute("aria-activedescendant", item.id);
      item.scrollIntoView({ block: "nearest" });
    }
  }
  const hit = b.hits[b.active >= 0 ? b.active : 0];
  b.where.hidden = !hit;
  if (hit) b.where.textContent = `Show ${hit.name} in the graph`;
  b.root.dataset.active = hit && b.active >= 0 ? hit.id : "";
}

function render(b, data) {
  b.input.placeholder = data.placeholder ?? "";
  b.input.setAttribute("aria-label", data.label ?? "Search");
  if (data.clear && data.clear !== b.clear) {
    b.clear = data.clear;
    if (b.clear !== null && b.input.value) {
      b.input.value = "";
      b.setState?.("query", "");
    }
  }
  b.hits = Array.isArray(data.hits) ? data.hits : [];
  b.forQuery = data.query ?? "";
  b.heading.textContent = data.heading ?? "";
  b.note.textContent = data.note ?? "";
  b.note.hidden = !data.note;
  b.list.replaceChildren();
  b.hits.forEach((hit, i) => {
    const item = el("li", { role: "option", id: `${b.id}-opt-${i}`, "aria-selected": "false",
                            class: hit.close ? "close" : "far" });
    item.dataset.id = hit.id;
    item.dataset.index = String(i);
    item.append(el("span", { class: "name" }, hit.name), el("span", { class: "detail" },
                                                           hit.detail ?? ""));
    b.list.append(item);
  });
  if (b.active >= b.hits.length) b.active = -1;
  markActive(b);
  b.root.dataset.query = b.forQuery;
  b.root.dataset.hits = String(b.hits.length);
  const typed = b.input.value.trim();
  const focused = b.root.getRootNode().activeElement === b.input;
  if (typed && b.forQuery === b.input.value && (b.hits.length || data.heading) && focused) open(b);
  if (!typed) close(b);
}

export default function mountSearch(component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  let b = boxes.get(parentElement);
  if (!b || !b.root.isConnected) {
    b = create(parentElement);
    boxes.set(parentElement, b);
  }
  b.setState = setStateValue;
  b.setTrigger = setTriggerValue;
  render(b, data ?? {});
}
