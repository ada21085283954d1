// A small W3C WebDriver (classic, HTTP) client on Node's fetch: just the commands the engine
// smoke tests use, for WebKitWebDriver, which speaks no WebDriver BiDi in Debian's build.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** The key codes WebDriver uses for keys that are not characters. */
export const KEYS = { Tab: '\uE004', Control: '\uE009' };

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** A free TCP port on 127.0.0.1 (free when asked; the driver takes it a moment later). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the WebDriver server `binary` on a free port and waits until it answers /status.
 * Resolves to { url, output, stop() }: `output` collects what the driver and the browsers it
 * starts write to stdout and stderr (shown when something fails).
 */
export async function startDriver(binary, { timeout = 30000 } = {}) {
  const port = await freePort();
  const child = spawn(binary, [`--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(String(chunk)));
  child.stderr.on('data', (chunk) => output.push(String(chunk)));
  let exited = null;
  child.once('exit', (code, signal) => { exited = signal ?? code; });
  // A test process that dies without stop() takes its driver (and so its browser) with it.
  const killChild = () => child.kill();
  process.once('exit', killChild);
  child.once('exit', () => process.off('exit', killChild));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeout;
  for (;;) {
    if (exited !== null) throw new Error(`${binary} exited (${exited}): ${output.join('')}`);
    try {
      const response = await fetch(`${url}/status`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${binary} did not answer on port ${port} within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output,
    stop() {
      if (exited !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    },
  };
}

/** One WebDriver session: the commands as methods; every failure throws the driver's message. */
export async function newSession(driverUrl, capabilities) {
  async function command(method, path, body) {
    const response = await fetch(driverUrl + path, {
      method,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const { value } = await response.json();
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
    return value;
  }
  const created = await command('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
  const session = `/session/${created.sessionId}`;
  const keyActions = (keys) => ({
    actions: [{ type: 'key', id: 'keyboard', actions: keys }],
  });
  return {
    capabilities: created.capabilities,
    navigate: (url) => command('POST', `${session}/url`, { url }),
    setWindowRect: (rect) => command('POST', `${session}/window/rect`, rect),
    /** The element's WebDriver reference; throws "no such element" when nothing matches. */
    find: async (selector) => (await command('POST', `${session}/element`, { using: 'css selector', value: selector }))[ELEMENT],
    click: (element) => command('POST', `${session}/element/${element}/click`, {}),
    /** Runs `script` (a function body) with `args`; a returned promise is awaited. */
    execute: (script, args = []) => command('POST', `${session}/execute/sync`, { script, args }),
    /** Presses and releases each key of `text` in turn, to whatever has the focus. */
    typeKeys: (text) => command('POST', `${session}/actions`, keyActions(
      [...text].flatMap((key) => [{ type: 'keyDown', value: key }, { type: 'keyUp', value: key }]),
    )),
    /** Presses `key` while `modifier` is held (e.g. Control + a). */
    chord: (modifier, key) => command('POST', `${session}/actions`, keyActions([
      { type: 'keyDown', value: modifier },
      { type: 'keyDown', value: key },
      { type: 'keyUp', value: key },
      { type: 'keyUp', value: modifier },
    ])),
    /** The viewport as PNG bytes. */
    screenshot: async () => Buffer.from(await command('GET', `${session}/screenshot`), 'base64'),
    close: () => command('DELETE', session),
  };
}
