// The embed API: a course page drives a framed lab with postMessage and hears how the run goes
// (docs/embed.md is the protocol's reference). Every message is a plain object
// `{ gdviz: 1, type, … }`. A request is checked against its entry in REQUESTS (its shape, and its
// origin when the embed URL names the host's with `host=`); one that does not fit is ignored with
// a console warning, never an exception. The lab (Rust) still checks every value it is given: a
// refused value comes back to the host as a `refused` message, worded as the page words it.

/** The protocol's version, carried by every message as its `gdviz` field. */
export const PROTOCOL_VERSION = 1;
/** The most steps one `step` request may take. */
const MAX_STEPS = 1000000;
/** Steps between two `summary` messages unless the host asks otherwise (`report`). */
const DEFAULT_EVERY = 100;
/** A learner's edits within this many milliseconds are told to the host once. */
const EDIT_QUIET_MS = 250;

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isWhole = (value, low, high) => Number.isInteger(value) && value >= low && value <= high;
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

/**
 * What `set` can change: the check of its value (a sentence when it does not fit) and how it
 * changes the scenario for racer `racer` (0 is the scenario's own optimizer), or the page.
 */
const CONTROLS = {
  lr: { check: (v) => (isNumber(v) ? null : 'a number'), racer: (r, v) => { r.optimizer.lr = v; } },
  momentum: { check: (v) => (isNumber(v) ? null : 'a number'), racer: (r, v) => { r.optimizer.momentum = v; } },
  optimizer: { check: (v) => (typeof v === 'string' ? null : 'an optimizer name'), racer: (r, v) => { r.optimizer = { name: v }; } },
  batch: { check: (v) => (v === null || isWhole(v, 1, Number.MAX_SAFE_INTEGER) ? null : 'a whole number ≥ 1, or null for the full batch'), racer: (r, v) => { r.batch_size = v; } },
  seed: { check: (v) => (isWhole(v, 0, Number.MAX_SAFE_INTEGER) ? null : 'a whole number ≥ 0'), scenario: (s, v) => { s.seed = v; } },
  steps: { check: (v) => (isWhole(v, 0, Number.MAX_SAFE_INTEGER) ? null : 'a whole number ≥ 0'), scenario: (s, v) => { s.steps = v; } },
  start: { check: (v) => (Array.isArray(v) && v.every(isNumber) ? null : 'an array of numbers'), scenario: (s, v) => { s.start = v; } },
  speed: { check: (v) => (isWhole(v, 1, 100000) ? null : 'steps per second, 1 to 100000'), page: 'speed' },
};

/**
 * The requests a host may send: `check(message)` returns null when the message fits, else what
 * was expected; `run` is the name of the action `setUpEmbedApi` performs.
 */
const REQUESTS = {
  load: (m) => (isObject(m.scenario) !== (typeof m.query === 'string') ? null : 'either `scenario` (an object) or `query` (a string)'),
  play: () => null,
  pause: () => null,
  reset: () => null,
  step: (m) => (m.n === undefined || isWhole(m.n, 1, MAX_STEPS) ? null : `\`n\`, a whole number of steps from 1 to ${MAX_STEPS}`),
  set: (m) => {
    const control = CONTROLS[m.control];
    if (!control) return `\`control\`, one of ${Object.keys(CONTROLS).join(', ')}`;
    if (m.racer !== undefined && !isWhole(m.racer, 0, 7)) return '`racer`, a racer index from 0 to 7';
    const problem = control.check(m.value);
    return problem === null ? null : `\`value\` for ${m.control}: ${problem}`;
  },
  report: (m) => (isWhole(m.every, 1, MAX_STEPS) ? null : `\`every\`, a whole number of steps from 1 to ${MAX_STEPS}`),
  summary: () => null,
};

/** The request types, for the documentation's test. */
export const REQUEST_TYPES = Object.keys(REQUESTS);
/** The controls `set` names, for the documentation's test. */
export const SET_CONTROLS = Object.keys(CONTROLS);

/**
 * Checks a host's message: `{ request }` when it fits, else `{ problem }` saying why not (the
 * warning's text). `host` is the origin the embed URL named, or null.
 */
export function checkMessage(event, host) {
  if (host !== null && event.origin !== host) return { problem: `a message from ${event.origin}, not from ${host} (the embed URL’s host=)` };
  const message = event.data;
  if (!isObject(message) || message.gdviz !== PROTOCOL_VERSION) return { problem: `not a gdviz message (expected an object with gdviz: ${PROTOCOL_VERSION} and a type)` };
  const check = Object.hasOwn(REQUESTS, message.type) ? REQUESTS[message.type] : null;
  if (!check) return { problem: `unknown type ${JSON.stringify(message.type)} (accepted: ${REQUEST_TYPES.join(', ')})` };
  const problem = check(message);
  return problem === null ? { request: message } : { problem: `${message.type} needs ${problem}` };
}

/**
 * Wires the protocol for a framed page. `lab` is the wasm lab; `player` the transport; `replace`
 * (a promise) and `edit` change the scenario as the page does (false when refused; `notice()`
 * then says why); `summary()` lists the racers; `setSpeed(n)` sets the page's speed;
 * `readQuery(query)` reads a URL query's scenario and what it ignored (a promise: a network's is
 * read by the whole page's module, fetched the first time); `optimizers` the optimizer names the
 * lab offers. Returns the hooks main.js calls: `advanced()` after every batch of steps and
 * `edited()` after a learner's edit.
 */
export function setUpEmbedApi({ lab, player, replace, edit, summary, notice, setSpeed, readQuery, host, optimizers }) {
  const parent = window.parent;
  let every = DEFAULT_EVERY;
  let nextReport = every;
  let lastTaken = 0;
  let running = lab.running_count();
  let statuses = summary().map((r) => r.status);
  /** True while a host's request changes the scenario, so the change is not told back as a learner's. */
  let fromHost = false;
  let editTimer = 0;
  /** The requests being carried out (see the message listener). */
  let queue = Promise.resolve();

  const post = (type, body = {}) => parent.postMessage({ gdviz: PROTOCOL_VERSION, type, ...body }, host ?? '*');
  const refused = (request, problem) => post('refused', { request: request.type, ...(request.id === undefined ? {} : { id: request.id }), problem });

  /** A fresh start (Reset, a new scenario): reports and endings count again from step 0. */
  function restart() {
    nextReport = every;
    lastTaken = lab.steps_taken();
    running = lab.running_count();
    statuses = summary().map((r) => r.status);
  }

  /** After steps were taken: the summary every `every` steps, each racer's ending, the finish. */
  function advanced() {
    const taken = lab.steps_taken();
    if (taken < lastTaken) restart();
    lastTaken = taken;
    const nowRunning = lab.running_count();
    if (taken >= nextReport) {
      post('summary', { step: taken, racers: summary() });
      nextReport = (Math.floor(taken / every) + 1) * every;
    }
    if (nowRunning === running) return;
    running = nowRunning;
    const racers = summary();
    racers.forEach((racer, index) => {
      if (racer.status !== statuses[index] && ['converged', 'diverged', 'failed'].includes(racer.status)) {
        post(racer.status, { racer: index, label: racer.label, step: racer.step, loss: racer.loss, message: racer.message });
      }
    });
    statuses = racers.map((r) => r.status);
    if (running === 0) post('finished', { step: taken, racers });
  }

  /**
   * Changes the scenario for the host (`apply` may wait for the whole page's module); says
   * `refused` with the page's sentence when it is not taken.
   */
  async function change(request, apply) {
    fromHost = true;
    let taken;
    try {
      taken = await apply();
    } finally {
      fromHost = false;
    }
    if (!taken) refused(request, notice());
    restart();
    return taken;
  }

  const ACTIONS = {
    async load(request) {
      const query = request.query?.replace(/^\?/, '');
      if (query !== undefined && new URLSearchParams(query).get('view') === 'digits') {
        refused(request, 'view=digits: the digits lab cannot be embedded (its link opens it as a page)');
        return;
      }
      let scenario = request.scenario;
      let ignored = [];
      if (query !== undefined) ({ scenario, ignored } = await readQuery(query));
      player.setPlaying(false);
      if (await change(request, () => replace(scenario, { push: false }))) post('loaded', { scenario: JSON.parse(lab.scenario_json()), query: lab.query(), ignored });
    },
    play() { player.setPlaying(true); },
    pause() { player.setPlaying(false); },
    reset() {
      player.setPlaying(false);
      player.reset();
      restart();
    },
    step(request) { player.step(request.n ?? 1); },
    set(request) {
      const control = CONTROLS[request.control];
      if (control.page === 'speed') {
        setSpeed(request.value);
        return;
      }
      if (request.control === 'optimizer' && !optimizers.includes(request.value)) {
        refused(request, `“${request.value}” is not an optimizer (accepted: ${optimizers.join(', ')})`);
        return undefined;
      }
      const racers = summary().length;
      if (!control.scenario && (request.racer ?? 0) >= racers) {
        refused(request, `racer ${request.racer}: this lab has ${racers} ${racers === 1 ? 'racer (0)' : `racers (0 to ${racers - 1})`}`);
        return undefined;
      }
      return change(request, () => edit((s) => {
        if (control.scenario) {
          control.scenario(s, request.value);
          return;
        }
        const index = request.racer ?? 0;
        const racer = index === 0 ? { optimizer: s.optimizer, batch_size: s.batch_size ?? null } : s.race?.[index - 1];
        if (!racer) return;
        control.racer(racer, request.value);
        if (index === 0) {
          s.optimizer = racer.optimizer;
          s.batch_size = racer.batch_size;
        }
      }, { push: false }));
    },
    report(request) {
      every = request.every;
      nextReport = (Math.floor(lab.steps_taken() / every) + 1) * every;
    },
    summary() { post('summary', { step: lab.steps_taken(), racers: summary() }); },
  };

  window.addEventListener('message', (event) => {
    // Only the page that frames the lab may drive it (not another frame, nor the lab itself).
    if (event.source !== parent) return;
    const { request, problem } = checkMessage(event, host);
    if (problem) {
      console.warn(`gdviz embed API: ignored ${problem}`);
      return;
    }
    // One request at a time, in the order sent: a load may wait for the whole page's module,
    // and a play sent after it then starts the scenario it loads.
    queue = queue.then(() => ACTIONS[request.type](request)).catch((error) => {
      console.warn(`gdviz embed API: ${request.type} failed: ${error?.message ?? error}`);
      refused(request, String(error?.message ?? error));
    });
  });

  post('ready', { version: PROTOCOL_VERSION, scenario: JSON.parse(lab.scenario_json()), query: lab.query(), racers: summary() });

  return {
    advanced,
    /** After an edit: a learner's (not the host's) is told, once the edits pause. */
    edited() {
      if (fromHost) return;
      restart();
      clearTimeout(editTimer);
      editTimer = setTimeout(() => post('edited', { scenario: JSON.parse(lab.scenario_json()), query: lab.query() }), EDIT_QUIET_MS);
    },
  };
}
