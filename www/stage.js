// The stage: sizes the canvases to their boxes (and the network lab's panels when they show), and
// turns the pointer into edits: a click or a drag (a tap on a touch screen) sets the start point,
// hovering reads out a point, and a swipe on a touch screen scrolls the page as anywhere else.
import { $, setCanvasSize } from './dom.js';
import { epochs, num } from './format.js';
import { t } from './i18n.js';

/** How much larger presenter mode draws type, strokes and markers. */
const PRESENTER_SCALE = 1.7;
/** A touch that moves further than this (CSS px) is a swipe, not a tap. */
const TAP_SLOP = 10;

/**
 * Sets a canvas's CSS size and its pixel size for the device pixel ratio. One whose size stays
 * keeps its picture (a picture handed over as a bitmap, shown.js, would otherwise be blank until
 * the next one arrives).
 */
function fit(canvas, width, height, dpr) {
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  setCanvasSize(canvas, Math.round(width * dpr), Math.round(height * dpr));
}

/**
 * Wires the canvases. `draw(all)` redraws; `markDirty()` says the heat map must be redrawn;
 * `moveStart([x, y], push)` sets the start point; `nameOf(i)` is racer i's label. Returns
 * `{ resize(), rescale() }` (`rescale()`: a new lab is told the drawing scale).
 */
export function createStage({ lab, ui, canvases, draw, markDirty, moveStart, nameOf }) {
  let sized = '';

  /**
   * Sizes every canvas to its box; the network lab's panels only while they are shown. On a page
   * of its own the stage is as wide as its column allows and 0.82 as tall; embedded, the frame's
   * layout (style.css, body.embed) gives the stage its box and the canvases fill it. Returns
   * whether a size changed (and everything was redrawn).
   */
  function resize() {
    const dpr = window.devicePixelRatio || 1;
    const stack = $('stack');
    let width;
    let height;
    if (ui.embed) {
      width = Math.max(200, stack.clientWidth);
      height = Math.max(140, stack.clientHeight);
    } else {
      width = Math.max(240, Math.min(stack.parentElement.clientWidth, ui.present ? 1100 : 760));
      height = Math.round(width * 0.82);
    }
    const chartBox = $('chart-box');
    const chartWidth = ui.embed ? Math.max(200, chartBox.clientWidth - 14) : width;
    const panel = $('network-editor');
    const panelWidth = panel.hidden ? 0 : panel.clientWidth;
    const key = `${width}×${height}@${dpr}/${ui.present}/${panelWidth}/${chartWidth}`;
    if (key === sized) return false;
    sized = key;
    rescale();
    if (!ui.embed) {
      stack.style.width = `${width}px`;
      stack.style.height = `${height}px`;
    }
    for (const canvas of [canvases.heat, canvases.trails, canvases.markers, canvases.surface3d, canvases.paths3d]) fit(canvas, width, height, dpr);
    fit(canvases.chart, chartWidth, ui.embed ? 150 : 220, dpr);
    const insetWidth = Math.round(Math.min(220, 0.4 * width));
    fit(canvases.inset, insetWidth, Math.round(insetWidth * 0.73), dpr);
    if (panelWidth > 0) {
      const networkWidth = Math.max(200, Math.min(panelWidth - 30, 400));
      fit(canvases.network, networkWidth, 190, dpr);
      fit($('layer-norms'), networkWidth, 170, dpr);
      const side = Math.min(networkWidth, 300);
      fit($('landscape'), side, side, dpr);
    }
    markDirty();
    draw(true);
    return true;
  }
  // Sized in the next frame, not in the observer's callback: resizing the canvases changes the
  // size of what is observed, which within the callback is a "ResizeObserver loop" error in
  // WebKit (and a notice in Chromium). One sizing per frame, however many boxes changed.
  let sizing = 0;
  const observer = new ResizeObserver(() => {
    if (!sizing) sizing = requestAnimationFrame(() => { sizing = 0; resize(); });
  });
  observer.observe($('stack').parentElement);
  observer.observe($('network-editor'));
  if (ui.embed) {
    observer.observe($('stack'));
    observer.observe($('chart-box'));
  }

  // Pointer: mouse and pen set the start at once and drag it; a touch sets it when it lifts
  // without having moved (a tap), so that a swipe over the canvas scrolls the page.
  const top = canvases.markers;
  let dragging = false;
  let touch = null;
  const pixel = (event) => {
    const box = top.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    return [(event.clientX - box.left) * dpr, (event.clientY - box.top) * dpr];
  };
  const startAt = (event, push) => {
    const point = lab.to_plane(...pixel(event));
    if (point.length === 2) moveStart([Number(point[0].toPrecision(6)), Number(point[1].toPrecision(6))], push);
  };
  top.addEventListener('pointerdown', (event) => {
    if (event.pointerType === 'touch') {
      touch = { id: event.pointerId, x: event.clientX, y: event.clientY };
      return;
    }
    dragging = true;
    top.setPointerCapture(event.pointerId);
    startAt(event, false);
  });
  top.addEventListener('pointermove', (event) => {
    if (touch && event.pointerId === touch.id && Math.hypot(event.clientX - touch.x, event.clientY - touch.y) > TAP_SLOP) touch = null;
    if (dragging) { startAt(event, false); return; }
    if (event.pointerType === 'touch') return;
    hover(event);
  });
  top.addEventListener('pointerup', (event) => {
    if (touch && event.pointerId === touch.id) {
      touch = null;
      startAt(event, true);
      return;
    }
    if (!dragging) return;
    dragging = false;
    startAt(event, true);
  });
  top.addEventListener('pointercancel', () => { touch = null; dragging = false; });
  top.addEventListener('pointerleave', () => { $('hover').hidden = true; });

  function hover(event) {
    const hit = JSON.parse(lab.pick(...pixel(event)));
    const tip = $('hover');
    if (!hit) { tip.hidden = true; return; }
    if (hit.prediction !== undefined) {
      tip.textContent = hit.class !== undefined
        ? t('stage.hover.class', { x: num(hit.x), y: num(hit.y), k: hit.class, probability: num(hit.probability) })
        : t('stage.hover.output', { x: num(hit.x), y: num(hit.y), output: num(hit.prediction) });
    } else {
      tip.textContent = hit.step !== undefined
        ? t('stage.hover.racer', { name: nameOf(hit.racer), step: hit.step, x: num(hit.x), y: num(hit.y), loss: num(hit.loss) })
        : t('stage.hover.point', { x: num(hit.x), y: num(hit.y), loss: num(hit.loss) });
    }
    const box = top.getBoundingClientRect();
    placeTip(tip, event.clientX - box.left, event.clientY - box.top, box);
  }

  // Hover on the loss chart reads out the step, epoch and exact loss under the pointer.
  canvases.chart.addEventListener('pointermove', (event) => {
    const box = canvases.chart.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const hit = JSON.parse(lab.pick_chart((event.clientX - box.left) * dpr, (event.clientY - box.top) * dpr));
    const tip = $('chart-hover');
    if (!hit) { tip.hidden = true; return; }
    tip.textContent = t('stage.hover.chart', { name: nameOf(hit.racer), step: hit.step, epoch: epochs(hit.epoch), loss: hit.loss });
    placeTip(tip, event.clientX - box.left, event.clientY - box.top, box);
  });
  canvases.chart.addEventListener('pointerleave', () => { $('chart-hover').hidden = true; });

  /** Tells the lab the drawing scale (canvas pixels per drawing unit). */
  function rescale() {
    lab.set_draw_scale((window.devicePixelRatio || 1) * (ui.present ? PRESENTER_SCALE : 1));
  }

  return { resize, rescale };
}

/**
 * Shows a read-out `tip` beside the pointer at (x, y) of a `box`-sized area, on the pointer's
 * left (or above it) where it would otherwise spill out of the area's card.
 */
function placeTip(tip, x, y, box) {
  const gap = 12;
  tip.hidden = false;
  const { offsetWidth: w, offsetHeight: h } = tip;
  const left = x + gap + w > box.width ? Math.max(0, x - gap - w) : x + gap;
  const down = y + gap + h > box.height ? Math.max(0, y - gap - h) : y + gap;
  tip.style.left = `${left}px`;
  tip.style.top = `${down}px`;
}
