// Curiosity Explorer anchor: placed just above the card's title. When the concept it is given
// changes (a click on a pill low in the card, a graph node, a search hit) and the title is not
// in view, the page scrolls so that the title is at the top: the new card is read from its
// start, and a click that leaves the title in view moves nothing.
const seen = new WeakMap(); // parentElement -> the concept last shown

export default function mountAnchor(component) {
  const { data, parentElement } = component;
  const concept = data?.concept ?? null;
  const before = seen.get(parentElement);
  seen.set(parentElement, concept);
  if (before === undefined || before === concept) return; // first draw or a plain rerun
  const host = parentElement.getRootNode().host ?? parentElement;
  const scrollIt = () => {
    const box = host.getBoundingClientRect();
    const view = window.innerHeight || document.documentElement.clientHeight;
    if (box.top < 0 || box.top > view * 0.6) {
      host.scrollIntoView({ block: "start", behavior: "instant" });
    }
    host.dataset.scrolled = concept;
  };
  requestAnimationFrame(() => requestAnimationFrame(scrollIt)); // after the card is laid out
}
