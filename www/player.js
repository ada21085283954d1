// The transport: Step, Play/Pause, Reset and the speed, by button and by key. A run plays at the
// speed asked for in steps per second whatever the display's refresh rate: each frame takes as
// many steps as the time since the last frame asks for (bounded, so a stalled tab does not leap
// ahead), and no more than fit in the frame's compute budget.
import { $, ladderSlider } from './dom.js';
import { grouped, oneTwoFive } from './format.js';
import { t } from './i18n.js';

/** The speeds offered, in steps per second: 1, 2, 5, 10, … 100 000. */
export const SPEEDS = oneTwoFive(1, 100000);
/** The speed a page opens at (steps per second). */
export const DEFAULT_SPEED = 500;
/** The longest time between two frames that counts (s): a tab that stalled does not leap. */
const MAX_ELAPSED_S = 0.25;
/** Script time per frame the simulation may use (ms) before a frame takes fewer steps. */
const FRAME_BUDGET_MS = 8;
/** How many of the latest frames' script times are kept (for `make bench`). */
const FRAME_LOG = 1024;

/** "500 steps/s", "1 step/s", "20 000 steps/s". */
export function speedText(speed) {
  return t('player.speed', { speed: grouped(speed), one: speed === 1 });
}

/**
 * Wires the transport. `advance(n)` takes up to n steps on every racer and returns how many are
 * still running; `draw(all, moved)` shows the result (`all`: everything now; else a frame that
 * took steps or not); `onPlaying(playing)` hears Play and Pause; `onAdvanced()` hears every batch
 * of steps taken; `drawing(now)` is true while the frame of time `now` draws a new picture (then
 * the frame takes no steps: the run starts on the next one).
 */
export function createPlayer({ lab, ui, draw, onPlaying, onUiChange, onAdvanced = () => {}, drawing = () => false, onScreen = () => null }) {
  let playing = false;
  let owed = 0;
  let lastFrame = null;
  let costPerStep = 0;
  let frames = 0;
  /** The current animation loop: Pause then Play within one frame must not start a second. */
  let loop = 0;
  /** Steps taken and seconds played since Play, for the pace read-out and the tests. */
  const pace = { steps: 0, seconds: 0 };
  /**
   * Script time of each frame (ms: stepping, drawing, DOM updates), a ring of the latest
   * FRAME_LOG, allocated once; `make bench` reads it to see the room a frame leaves.
   */
  const frameLog = new Float64Array(FRAME_LOG);

  function setPlaying(value) {
    playing = value;
    $('play').textContent = t(playing ? 'player.pause' : 'page.play');
    $('play').setAttribute('aria-pressed', String(playing));
    if (playing) {
      if (lab.running_count() === 0) lab.reset();
      lastFrame = null;
      // The first step is taken at once: at 1 step/s Play must not look broken for a second.
      owed = 1;
      pace.steps = 0;
      pace.seconds = 0;
      const token = ++loop;
      requestAnimationFrame((now) => frame(now, token));
    }
    onPlaying(playing);
    draw(true);
  }

  function frame(now, token) {
    if (!playing || token !== loop) return;
    if (lastFrame === null && drawing(now)) {
      requestAnimationFrame((next) => frame(next, token));
      return;
    }
    const began = performance.now();
    const elapsed = lastFrame === null ? 0 : Math.min((now - lastFrame) / 1000, MAX_ELAPSED_S);
    lastFrame = now;
    owed = Math.min(owed + elapsed * ui.speed, Math.max(1, ui.speed * MAX_ELAPSED_S));
    const affordable = costPerStep > 0 ? Math.max(1, Math.floor(FRAME_BUDGET_MS / costPerStep)) : Infinity;
    const steps = Math.min(Math.floor(owed), affordable);
    let running = lab.running_count();
    if (steps > 0) {
      const started = performance.now();
      running = lab.advance(steps);
      const cost = (performance.now() - started) / steps;
      costPerStep = costPerStep === 0 ? cost : 0.8 * costPerStep + 0.2 * cost;
      // A frame that could not afford what was owed does not carry the debt on: the pace falls.
      owed = steps < Math.floor(owed) ? 0 : owed - steps;
      onAdvanced();
    }
    pace.steps += steps;
    pace.seconds += elapsed;
    draw(false, steps > 0);
    if (running === 0) {
      setPlaying(false);
    } else {
      requestAnimationFrame((next) => frame(next, token));
    }
    frameLog[frames % FRAME_LOG] = performance.now() - began;
    frames += 1;
  }

  /** Takes `n` steps (one by default), pausing first. */
  function step(n = 1) {
    if (playing) setPlaying(false);
    lab.advance(n);
    onAdvanced();
    draw(true);
  }

  function reset() {
    lab.reset();
    draw(true);
  }

  $('play').addEventListener('click', () => setPlaying(!playing));
  $('step').addEventListener('click', () => step());
  $('reset').addEventListener('click', reset);
  const speed = ladderSlider($('speed'), {
    ladder: SPEEDS,
    describe: speedText,
    onInput: (value) => {
      ui.speed = value;
      $('speed-value').textContent = speedText(value);
    },
    onCommit: () => onUiChange(),
  });
  const showSpeed = () => {
    speed.show(ui.speed);
    $('speed-value').textContent = speedText(ui.speed);
  };
  showSpeed();

  // Space, → and r act on the run unless the focus is on a control that has its own use for
  // them: text and number fields, selects and sliders take every key; a focused button, link,
  // disclosure or check box keeps Space (it presses or ticks it). With another lab on screen
  // (`onScreen()`: its `{ toggle, step, reset }`), they act on that one, not on this hidden run.
  const ownsKeys = 'input:not([type="checkbox"]), select, textarea, [contenteditable], dialog, [role="radio"]';
  const ownsSpace = 'button, summary, a[href], label, input[type="checkbox"]';
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest(ownsKeys)) return;
    if (event.key === ' ') {
      if (target?.closest(ownsSpace)) return;
      event.preventDefault();
      const other = onScreen();
      if (other) other.toggle();
      else setPlaying(!playing);
    }
    else if (event.key === 'ArrowRight') { event.preventDefault(); (onScreen()?.step ?? step)(); }
    else if (event.key === 'r' || event.key === 'R') { (onScreen()?.reset ?? reset)(); }
  });
  document.addEventListener('visibilitychange', () => { if (document.hidden && playing) setPlaying(false); });

  return {
    get playing() { return playing; },
    get frames() { return frames; },
    /** The script times (ms) of frames `from` onwards that are still kept, oldest first. */
    frameTimes(from) {
      const first = Math.max(from, frames - FRAME_LOG);
      return Array.from({ length: Math.max(0, frames - first) }, (_, k) => frameLog[(first + k) % FRAME_LOG]);
    },
    /** Steps per second achieved since Play (what the device managed of `ui.speed`). */
    get achieved() { return pace.seconds > 0 ? pace.steps / pace.seconds : 0; },
    setPlaying,
    showSpeed,
    /** Words the transport again, in the page's current language. */
    relabel() {
      $('play').textContent = t(playing ? 'player.pause' : 'page.play');
      showSpeed();
    },
    step,
    reset,
  };
}
