// Small DOM helpers shared by the page's modules.
import { ladderPosition } from './format.js';

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
 * Home and End to the ends; a pointer lands on the nearest notch): `onInput(value)` while it
 * moves, `onCommit(value)` when it is let go or a key has moved it. `show(value)` places the
 * thumb where `value` stands, between notches too (0.3 between 0.2 and 0.5, nearer 0.2 than 0.5
 * on the log scale), held at an end beyond the ladder, and tells a screen reader `value` itself.
 */
export function ladderSlider(input, { ladder, describe, onInput, onCommit }) {
  let values = ladder;
  /** The thumb on notch `index`, which a pointer or a key chose. */
  const choose = (index) => {
    input.value = String(index);
    input.setAttribute('aria-valuetext', describe(values[index]));
    return values[index];
  };
  /** The notch nearest the thumb. */
  const notch = () => Math.round(Number(input.value));
  input.min = '0';
  // Any position, for a value between notches; a pointer or a key still moves notch by notch.
  input.step = 'any';
  const setLadder = (next) => {
    values = next;
    input.max = String(values.length - 1);
  };
  setLadder(ladder);
  input.addEventListener('input', () => onInput(choose(notch())));
  input.addEventListener('change', () => onCommit(values[notch()]));
  input.addEventListener('keydown', (event) => {
    const at = Number(input.value);
    // From between two notches, an arrow goes to the next notch that way.
    const up = Math.floor(at + 1e-9) + 1;
    const down = Math.ceil(at - 1e-9) - 1;
    const target = { ArrowRight: up, ArrowUp: up, ArrowLeft: down, ArrowDown: down, PageUp: notch() + 3, PageDown: notch() - 3, Home: 0, End: values.length - 1 }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const value = choose(Math.max(0, Math.min(values.length - 1, target)));
    onInput(value);
    onCommit(value);
  });
  return {
    setLadder,
    show(value) {
      input.value = String(ladderPosition(values, value));
      input.setAttribute('aria-valuetext', describe(value));
    },
  };
}

/**
 * The `role="radio"` buttons in `group` as one radio group, as the WAI-ARIA Authoring Practices
 * have it ("Radio Group"): one tab stop, the checked radio (else the first), and the arrow keys,
 * Home and End move to another and choose it (by its click), wrapping at the ends. `refresh()`
 * moves the tab stop after the radios or their `aria-checked` changed.
 */
export function radioGroup(group) {
  const radios = () => [...group.querySelectorAll('[role="radio"]')];
  const refresh = () => {
    const all = radios();
    const checked = all.find((radio) => radio.getAttribute('aria-checked') === 'true') ?? all[0];
    for (const radio of all) radio.tabIndex = radio === checked ? 0 : -1;
  };
  group.addEventListener('keydown', (event) => {
    const all = radios();
    const at = all.indexOf(event.target instanceof Element ? event.target.closest('[role="radio"]') : null);
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 }[event.key];
    if (at < 0 || to === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const next = all[(to + all.length) % all.length];
    next.click();
    refresh();
    next.focus();
  });
  refresh();
  return { refresh };
}

/**
 * Disables `button` for `reason` (a sentence, shown as its tooltip and read with it) or, for
 * `null`, enables it: a control greyed out at a limit says which limit.
 */
export function disableFor(button, reason) {
  button.disabled = reason !== null;
  if (reason === null) button.removeAttribute('title');
  else button.title = reason;
}
