// Records the page's errors in window.engineErrors, for an engine whose driver cannot see the
// console (WebKitWebDriver speaks classic WebDriver only). tests/engines/site.mjs puts this
// classic script in index.html's <head> when it serves the page for such an engine, so it runs
// before the page's module scripts. It sees console.error calls (wasm panics included), uncaught
// errors, unhandled rejections, elements whose resource failed to load and CSP violations; it does
// not see what the engine logs by itself with no event for scripts (deprecation notes, say).
(() => {
  const errors = [];
  window.engineErrors = errors;
  const text = (value) => (value instanceof Error ? `${value.name}: ${value.message}` : String(value));
  const consoleError = console.error;
  console.error = function recordedConsoleError(...args) {
    errors.push(`console: ${args.map(text).join(' ')}`);
    return consoleError.apply(this, args);
  };
  window.addEventListener('error', (event) => {
    const element = event.target;
    if (element instanceof Element) errors.push(`resource: <${element.localName}> ${element.src ?? element.href ?? ''}`);
    else errors.push(`page: ${event.message}`);
  }, true);
  window.addEventListener('unhandledrejection', (event) => errors.push(`page: unhandled rejection: ${text(event.reason)}`));
  window.addEventListener('securitypolicyviolation', (event) => {
    errors.push(`csp: ${event.violatedDirective} blocked ${event.blockedURI}`);
  });
})();
