// The surface and network labs' two WebAssembly modules. The first screen's (pkg/gdviz.js, which
// index.html preloads) runs the surface lab and reads every scenario; the whole page's
// (pkg/gdviz_full.js: the same, the network lab, the 3-D view, the learning-rate tuner and the
// CSV reader) is fetched the first time one of those is used, and from then on the page's lab
// is that module's.
import init, * as firstScreen from '../pkg/gdviz.js';

/** The first screen's module, instantiated. */
export const firstScreenReady = init();

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
    return module;
  }).catch((error) => {
    fullModule = null;
    throw error;
  });
  return fullModule;
}

/**
 * A link to a network or to the 3-D view (`f=mlp`, `view=network`, `view3d=1`) needs the whole
 * page's module before its first picture: judged by the link's words alone, only to fetch it
 * alongside the first screen's rather than after it (the scenario the wasm reads decides what is
 * built, and a wrong guess costs a download, nothing else).
 */
if (/(?:^|[?&])(?:f=mlp|view=network|view3d=1)(?:&|$)/.test(window.location.search)) loadFullModule().catch(() => {});

/** Whether a URL query's scenario trains a network (read, not built, by the first screen's module). */
async function queryNeedsNetwork(query) {
  await firstScreenReady;
  return needsNetwork(JSON.parse(firstScreen.scenario_json_of_query(query)));
}

/** The `Lab` class that builds the scenario of a URL query: the whole page's for a network. */
export async function labClassFor(query) {
  return (await queryNeedsNetwork(query)) ? (await loadFullModule()).Lab : firstScreen.Lab;
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
