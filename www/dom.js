// Small DOM helpers shared by the page's modules.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/**
 * Hides or shows `element`, touching the document only when that changes (a playing run's every
 * frame calls it: an attribute set to the value it had still counts as a change of the page).
 */
export function setHidden(element, hidden) {
  if (element.hidden !== hidden) element.hidden = hidden;
}

/**
 * Gives `canvas` a pixel size of `width × height`, touching each side only when it changes:
 * setting it, even to what it was, clears the canvas.
 */
export function setCanvasSize(canvas, width, height) {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
}

/**
 * Fills `container` with one child per key, keeping the children it already has when the keys are
 * the same as last time (so the focus and a half-typed value survive an update): `create(key, i)`
 * builds a child, `update(child, key, i)` refreshes it. Returns the children.
 */
export function syncChildren(container, keys, create, update) {
  const signature = JSON.stringify(keys);
  if (container.dataset.keys !== signature) {
    const focused = container.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
    container.replaceChildren(...keys.map((key, i) => create(key, i)));
    container.dataset.keys = signature;
    if (focused !== undefined) container.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  }
  [...container.children].forEach((child, i) => update(child, keys[i], i));
  return [...container.children];
}

/**
 * A range input that walks through `ladder` (one notch per arrow key, three per Page Up/Down,
 * Home and End to the ends): `onInput(value)` while it moves, `onCommit(value)` when it is let
 * go or a key has moved it. `show(value)` places the thumb at the nearest notch.
 */
export function ladderSlider(input, { ladder, describe, onInput, onCommit }) {
  let values = ladder;
  const set = (index) => {
    input.value = String(index);
    input.setAttribute('aria-valuetext', describe(values[index]));
  };
  input.min = '0';
  input.step = '1';
  const setLadder = (next) => {
    values = next;
    input.max = String(values.length - 1);
  };
  setLadder(ladder);
  input.addEventListener('input', () => {
    set(Number(input.value));
    onInput(values[Number(input.value)]);
  });
  input.addEventListener('change', () => onCommit(values[Number(input.value)]));
  input.addEventListener('keydown', (event) => {
    const jump = { PageUp: 3, PageDown: -3 }[event.key];
    if (jump === undefined) return;
    event.preventDefault();
    const index = Math.max(0, Math.min(values.length - 1, Number(input.value) + jump));
    set(index);
    onInput(values[index]);
    onCommit(values[index]);
  });
  return {
    setLadder,
    show(value, nearest) {
      set(nearest(values, value));
    },
  };
}
