// One small interface over two browser engines, so the smoke test is written once:
//   open(path), click(selector), type(selector, text), press(key), eval(expression),
//   waitFor(expression), screenshot(file), errors(), close()
// Firefox ESR (Debian's firefox-esr) is driven headless by puppeteer-core over WebDriver BiDi;
// WebKitGTK (Debian's MiniBrowser) by WebKitWebDriver over classic WebDriver, under an X server
// (xvfb-run). Both are Debian packages: nothing is downloaded at run time.
//
// What errors() observes:
//   firefox  every console message of type error and every uncaught error or rejection (BiDi
//            log events), plus every request the server answered with a status >= 400.
//   webkit   Debian's WebKitWebDriver has no BiDi (a session asking for webSocketUrl is refused)
//            and MiniBrowser's --enable-write-console-messages-to-stdout prints nothing under
//            automation (its sessions are ephemeral, and WebKit logs no console of an ephemeral
//            page), so the server adds tests/engines/error-hook.js to the page: console.error
//            calls, uncaught errors, unhandled rejections, failed element loads and CSP
//            violations, plus every request answered with a status >= 400. Not seen: what the
//            engine logs by itself with no event for scripts (deprecation notes, say).
import puppeteer from 'puppeteer-core';
import { access, constants, writeFile } from 'node:fs/promises';
import { serveSite } from './site.mjs';
import { startDriver, newSession, KEYS } from './webdriver.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
/** Debian's multiarch folder for this machine (libwebkit2gtk-4.1-0 installs MiniBrowser there). */
const MULTIARCH = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch];
const MINIBROWSER = process.env.MINIBROWSER ?? `/usr/lib/${MULTIARCH}/webkit2gtk-4.1/MiniBrowser`;
/** MiniBrowser's flags: automation mode, and the 2-D canvas drawn in software (no GPU here). */
const MINIBROWSER_ARGS = ['--automation', '--enable-2d-canvas-acceleration=false'];

export const ENGINES = ['firefox', 'webkit'];
export const VIEWPORT = { width: 1280, height: 860 };
const LOAD_TIMEOUT = 60000;

/** Starts the page's server and the engine `name`; resolves to the driver interface. */
export async function launchEngine(name) {
  if (name === 'firefox') return launchFirefox();
  if (name === 'webkit') return launchWebKit();
  throw new Error(`no engine called ${name} (known: ${ENGINES.join(', ')})`);
}

/** Polls `read()` until it returns something truthy; resolves to that value. */
async function poll(read, what, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The interface's shared half: opening a page and waiting on it, written with eval(). */
function withCommon(engine, site) {
  engine.waitFor = (expression, { timeout = 30000 } = {}) => poll(() => engine.eval(expression), expression, timeout);
  const navigate = engine.navigate;
  engine.open = async (path) => {
    await navigate(site.url + path.replace(/^\//, ''));
    await engine.waitFor('window.gdviz?.ready === true', { timeout: LOAD_TIMEOUT });
  };
  return engine;
}

async function launchFirefox() {
  const site = await serveSite();
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      protocol: 'webDriverBiDi',
      defaultViewport: VIEWPORT,
    });
  } catch (error) {
    await site.close();
    throw error;
  }
  const page = await browser.newPage();
  let consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`page: ${error.message}`));
  return withCommon({
    name: 'firefox',
    version: await browser.version(),
    async navigate(url) {
      consoleErrors = [];
      site.httpErrors.length = 0;
      await page.goto(url);
    },
    click: (selector) => page.click(selector),
    async type(selector, text) {
      await page.click(selector);
      await page.keyboard.down('Control');
      await page.keyboard.press('a');
      await page.keyboard.up('Control');
      await page.keyboard.type(text);
    },
    press: (key) => page.keyboard.press(key),
    eval: (expression) => page.evaluate(`(${expression})`),
    screenshot: (file) => page.screenshot({ path: file }),
    errors: async () => [...consoleErrors, ...site.httpErrors],
    async close() {
      await browser.close();
      await site.close();
    },
  }, site);
}

async function launchWebKit() {
  if (!process.env.DISPLAY) throw new Error('WebKit needs an X display: run the suite under `xvfb-run -a`');
  await access(MINIBROWSER, constants.X_OK).catch(() => {
    throw new Error(`no MiniBrowser at ${MINIBROWSER} (Debian's libwebkit2gtk-4.1-0; scripts/setup.sh test installs it)`);
  });
  const site = await serveSite({ hookErrors: true });
  const driver = await startDriver(WEBKIT_DRIVER);
  let session;
  try {
    session = await newSession(driver.url, {
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: MINIBROWSER_ARGS },
    });
    // The window's rectangle includes MiniBrowser's toolbar: size it so the page gets VIEWPORT.
    await session.setWindowRect(VIEWPORT);
    const inner = await session.execute('return [window.innerWidth, window.innerHeight]');
    await session.setWindowRect({
      width: 2 * VIEWPORT.width - inner[0],
      height: 2 * VIEWPORT.height - inner[1],
    });
  } catch (error) {
    await driver.stop();
    await site.close();
    throw new Error(`${error.message}\n${driver.output.join('')}`);
  }
  return withCommon({
    name: 'webkit',
    version: session.capabilities.browserVersion,
    async navigate(url) {
      site.httpErrors.length = 0;
      await session.navigate(url);
    },
    click: async (selector) => session.click(await session.find(selector)),
    async type(selector, text) {
      await session.click(await session.find(selector));
      await session.chord(KEYS.Control, 'a');
      await session.typeKeys(text);
    },
    press: (key) => session.typeKeys(KEYS[key] ?? key),
    eval: (expression) => session.execute(`return (${expression});`),
    screenshot: async (file) => writeFile(file, await session.screenshot()),
    async errors() {
      const pageErrors = await session.execute('return window.engineErrors ?? ["the error hook did not run"]');
      return [...pageErrors, ...site.httpErrors];
    },
    async close() {
      await session.close().catch(() => {});
      await driver.stop();
      await site.close();
    },
  }, site);
}
