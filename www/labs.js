// The surface and network labs' two WebAssembly modules. The first screen's (pkg/gdviz.js, which
// index.html preloads) runs the surface lab and reads every scenario; the whole page's
// (pkg/gdviz_full.js: the same, the network lab, the 3-D view, the learning-rate tuner and the
// CSV reader) is fetched the first time one of those is used, and from then on the page's lab
// is that module's. A link to a network or to the 3-D view starts with the whole page's alone.
import init, * as firstScreen from '../pkg/gdviz.js';

/** Whether a scenario (parsed JSON) trains a network, which only the whole page's module builds. */
export const needsNetwork = (scenario) => scenario?.objective?.kind === 'mlp';

let fullModule = null;

/**
 * The whole page's module, fetched and instantiated the first time it is asked for (and asked
 * again after a failure, so a page that lost its connection can try once it is back).
 */
export function loadFullModule() {
  fullModule ??= import('../pkg/gdviz_full.js').then(async (module) => {
    await module.default();
    if (!STARTS_FULL) {
      await nextTask();
      warmUp(module);
      await nextTask();
    }
    return module;
  }).catch((error) => {
    fullModule = null;
    throw error;
  });
  return fullModule;
}

/** Resolves in a task of its own (after what is queued now). */
const nextTask = () => new Promise((resolve) => { setTimeout(resolve, 0); });

/**
 * Calls, once, what opening a network calls first (building a network's lab, drawing its
 * decision boundary with axes and points), on a tiny network and canvas, in a task of its own:
 * the browser compiles a wasm function when it is first called, and that compiling had made the
 * task that swaps in the new lab — with the layout of the network lab in the same frame — a long
 * task (50–57 ms) in 3 of 12 runs of make bench's long_tasks_lesson; in none of 16 with this.
 * A page that starts with this module has nothing to keep it apart from.
 */
function warmUp({ Lab }) {
  const lab = new Lab('f=mlp&data=xor&n=8&layers=2');
  const [picture, boundary] = [document.createElement('canvas'), document.createElement('canvas')];
  for (const canvas of [picture, boundary]) {
    canvas.width = 48;
    canvas.height = 48;
  }
  try {
    lab.draw_boundary(picture, boundary, 0);
  } catch {
    // A warm-up that fails leaves the first picture to compile what it calls.
  } finally {
    lab.free();
  }
}

/**
 * Whether the page starts with the whole page's module: index.html preloads it rather than the
 * first screen's for a link to a network or to the 3-D view, which needs it before its first
 * picture (judged by the link's words alone; a wrong guess costs a download, nothing else).
 */
const STARTS_FULL = document.getElementById('wasm-module')?.dataset.module === 'full';

/**
 * The module `coreReady` resolves to, once it has (null before): for the free functions (the
 * 3-D view's camera, the digits lab's catalogue) of a page that has started.
 */
export let core = null;

/**
 * The module the page reads scenarios and its catalogues with, instantiated: the first screen's,
 * or the whole page's when the page starts with it — that reads every scenario too, so such a
 * link fetches one module rather than two.
 */
export const coreReady = (STARTS_FULL ? loadFullModule() : init().then(() => firstScreen)).then((module) => {
  core = module;
  return module;
});

/** The `Lab` class that builds the scenario of a URL query: the whole page's for a network. */
export async function labClassFor(query) {
  const started = await coreReady;
  if (started !== firstScreen) return started.Lab;
  return needsNetwork(JSON.parse(started.scenario_json_of_query(query))) ? (await loadFullModule()).Lab : started.Lab;
}

/**
 * The page's lab on the scenario of a URL query, `{ lab, hasFull(), swapToFull(next) }`: `lab`
 * forwards each call to the wasm `Lab` in use — the first screen's module's, or the whole page's
 * for a network or when `full` asks for it (the 3-D view is on) — which `swapToFull(next)`
 * replaces with `next`, a whole page's `Lab` (and frees). wasm-bindgen's methods need their own
 * object as `this`, so each is bound once per `Lab`.
 */
export async function openLab(query, { full = false } = {}) {
  const Lab = full ? (await loadFullModule()).Lab : await labClassFor(query);
  let current = new Lab(query);
  let hasFull = Lab !== firstScreen.Lab;
  let bound = new Map();
  const lab = new Proxy({}, {
    get(_, name) {
      let method = bound.get(name);
      if (method === undefined) {
        const value = current[name];
        if (typeof value !== 'function') return value;
        method = value.bind(current);
        bound.set(name, method);
      }
      return method;
    },
  });
  return {
    lab,
    hasFull: () => hasFull,
    swapToFull(next) {
      current.free();
      current = next;
      hasFull = true;
      bound = new Map();
    },
  };
}
