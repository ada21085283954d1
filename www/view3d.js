// The 3-D view (`view3d=1`): the surface drawn by the lab from an orbiting camera, over the heat
// map, on two canvases: the mesh (redrawn when the camera, the surface or the size changes; at
// half resolution or less while a drag or the wheel is turning it) and over it the paths (their
// new stretches drawn each frame; whole, and on a slow device at half resolution, while turning)
// with the racers' points on top. Drag (a finger too) turns it, the wheel or a pinch zooms, the
// arrow keys turn it and + / − zoom when it has the focus, "Reset camera" or 0 puts the camera
// back. The camera rides in the URL (`cam=yaw,pitch,zoom`, degrees); the lab keeps it in range.
import { $, setCanvasSize, setHidden } from './dom.js';
import { t } from './i18n.js';
import { core } from './labs.js';

/** Degrees turned per CSS pixel dragged, and per arrow key. */
const TURN = { drag: 0.4, key: 5 };

/** The camera `cam=` names: the default camera when absent or empty, null when not three numbers. */
export function readCamera(text) {
  const numbers = core.camera_from_text(text ?? '');
  if (numbers === undefined) return null;
  const [yaw, pitch, zoom] = numbers;
  return { yaw, pitch, zoom };
}

/** `cam=`'s text for `camera`, or null for the default camera. */
export function cameraText(camera) {
  const text = [camera.yaw, camera.pitch, camera.zoom].map((v) => Number(v.toFixed(2))).join(',');
  const fallback = readCamera('');
  return text === [fallback.yaw, fallback.pitch, fallback.zoom].join(',') ? null : text;
}

/**
 * Wires the 3-D canvas: `ui.view3d` shows it, `ui.camera` is turned by the pointer and keys;
 * `redraw()` draws again, `onUiChange()` records the camera in the URL.
 */
export function setUpView3d({ ui, redraw, onUiChange }) {
  const canvas = $('paths3d');
  // Its label follows the language (translatePage reads the id).
  canvas.dataset.i18nAriaLabel = 'view3d.label';
  canvas.setAttribute('aria-label', t('view3d.label'));
  // Pointer events come faster than frames: the camera follows each, the view is drawn once a frame.
  // While a drag or the wheel turns it, the mesh is drawn coarse; in full once it stops.
  let pending = false;
  let settle = null;
  const turn = (on) => {
    turning = on;
    if (!on) redraw();
  };
  const turnBriefly = () => {
    turning = true;
    clearTimeout(settle);
    settle = setTimeout(() => turn(false), SETTLE_MS);
  };
  const move = (yaw, pitch, zoom) => {
    const [y, p, z] = core.clamp_camera(yaw, pitch, zoom);
    ui.camera = { yaw: y, pitch: p, zoom: z };
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      redraw();
    });
  };
  const pointers = new Map();
  let pinch = null;
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    turning = true;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y), zoom: ui.camera.zoom };
    }
  });
  canvas.addEventListener('pointermove', (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    const { yaw, pitch, zoom } = ui.camera;
    if (pinch && pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      move(yaw, pitch, pinch.zoom * Math.hypot(a.x - b.x, a.y - b.y) / Math.max(pinch.distance, 1));
      return;
    }
    move(yaw - (event.clientX - last.x) * TURN.drag, pitch + (event.clientY - last.y) * TURN.drag, zoom);
  });
  const release = (event) => {
    if (!pointers.delete(event.pointerId)) return;
    if (pointers.size < 2) pinch = null;
    if (pointers.size === 0) {
      turn(false);
      onUiChange();
    }
  };
  canvas.addEventListener('pointerup', release);
  canvas.addEventListener('pointercancel', release);
  canvas.addEventListener('wheel', (event) => {
    event.preventDefault();
    turnBriefly();
    const { yaw, pitch, zoom } = ui.camera;
    move(yaw, pitch, zoom * Math.exp(-event.deltaY * 0.0015));
    onUiChange();
  }, { passive: false });
  canvas.addEventListener('keydown', (event) => {
    const { yaw, pitch, zoom } = ui.camera;
    const turns = {
      ArrowLeft: [yaw + TURN.key, pitch, zoom],
      ArrowRight: [yaw - TURN.key, pitch, zoom],
      ArrowUp: [yaw, pitch + TURN.key, zoom],
      ArrowDown: [yaw, pitch - TURN.key, zoom],
      '+': [yaw, pitch, zoom * 1.2],
      '=': [yaw, pitch, zoom * 1.2],
      '-': [yaw, pitch, zoom / 1.2],
      0: Object.values(readCamera('')),
    };
    const next = turns[event.key];
    if (!next) return;
    // The page's own keys (Space, →, r) still work; these are the view's while it has the focus.
    event.preventDefault();
    event.stopPropagation();
    move(...next);
    onUiChange();
  });
  $('reset-camera').addEventListener('click', () => {
    move(...Object.values(readCamera('')));
    onUiChange();
  });
  $('view3d').addEventListener('change', () => {
    ui.view3d = $('view3d').checked;
    onUiChange();
  });
}

/** What the mesh was last drawn for: the camera and the canvas size ('' after markMeshDirty). */
let meshDrawn = '';

/** Whether a drag or the wheel is turning the view now (the mesh is then drawn coarse). */
let turning = false;

/** How long after the last wheel step the view counts as still turning (ms). */
const SETTLE_MS = 150;

/**
 * While turning, the mesh's canvas holds 1/`coarse` of the view's pixels each way (the browser
 * enlarges it): ½ where drawing the mesh and the paths takes less than TURN_BUDGET_MS, down to
 * ¼ on a slower device (from a third the lab draws a mesh of half the points each way too).
 */
let coarse = 2;
const COARSEST = 4;
/** Time for a turning frame's mesh and paths (ms): the rest of the frame is the run's and the browser's. */
const TURN_BUDGET_MS = 4;

/** The next turning frame's `coarse`, after one at `coarse` took `ms` to draw. */
function nextCoarse(ms) {
  if (ms > TURN_BUDGET_MS) return Math.min(coarse + 1, COARSEST);
  // Finer again where that would fit in the budget even if all the time were the pixels'.
  const finer = ms * (coarse / (coarse - 1)) ** 2;
  return coarse > 2 && finer < 0.8 * TURN_BUDGET_MS ? coarse - 1 : coarse;
}

/** The surface or the view changed: the mesh is drawn again next time. */
export function markMeshDirty() {
  meshDrawn = '';
}

/**
 * Shows or hides the 3-D canvases and their controls; when shown, draws the mesh if the camera,
 * the surface or the size changed since it was last drawn, and the paths. Returns whether it
 * drew the mesh. `ready`: whether `lab` draws the 3-D view (the whole page's module does; the
 * first screen's leaves it out, and the view waits for the other).
 */
export function showView3d({ lab, ui, network, ready }) {
  const on = ui.view3d && !network && ready;
  const mesh = $('surface3d');
  const paths = $('paths3d');
  for (const element of [mesh, paths, $('reset-camera')]) setHidden(element, !on);
  $('stack').classList.toggle('view3d-on', on);
  // A click on the 3-D view turns it; the start is set on the plane.
  setHidden($('start-hint'), on);
  $('view3d').checked = ui.view3d;
  if (!on) return false;
  const { yaw, pitch, zoom } = ui.camera;
  // The view's pixels: the plane's paths canvas is sized like the 3-D ones and never shrunk.
  const { width, height } = $('trails');
  // Where the mesh is drawn at a third or less, the paths too hold half the pixels each way.
  resize(paths, turning && coarse > 2 ? 2 : 1, width, height);
  const key = `${yaw},${pitch},${zoom},${width}×${height},${turning}`;
  if (key === meshDrawn) {
    lab.draw_paths_3d(paths, yaw, pitch, zoom, width, height, ui.selected);
    return false;
  }
  const began = performance.now();
  resize(mesh, turning ? coarse : 1, width, height);
  lab.draw_surface_3d(mesh, yaw, pitch, zoom, width, height);
  meshDrawn = key;
  lab.draw_paths_3d(paths, yaw, pitch, zoom, width, height, ui.selected);
  if (turning) coarse = nextCoarse(performance.now() - began);
  return true;
}

/** Gives `canvas` 1/`shrink` of `width × height` pixels each way (the browser enlarges it). */
function resize(canvas, shrink, width, height) {
  setCanvasSize(canvas, Math.ceil(width / shrink), Math.ceil(height / shrink));
}
