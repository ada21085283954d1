// The native side of the engine smoke tests: the `gdviz trace` command line, whose lines the
// page's Step button must reproduce bit for bit.
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where cargo builds: target/, or CARGO_TARGET_DIR (relative to the repository) when it is set. */
const TARGET = resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target');
const GDVIZ = resolve(TARGET, 'debug', 'gdviz');

/** Builds the debug gdviz from the current sources (cargo does nothing when it is fresh). */
export async function buildCli() {
  await promisify(execFile)('cargo', ['build', '--quiet', '--bin', 'gdviz'], { cwd: ROOT });
}

/**
 * The scenario `gdviz trace` runs for racer `index` of the page's `scenario`: the trace follows
 * `optimizer` alone, so racer i > 0 becomes the optimizer, with its own batch size if it has one.
 */
export function racerScenario(scenario, index) {
  const { race = [], ...single } = structuredClone(scenario);
  if (index === 0) return single;
  const racer = race[index - 1];
  single.optimizer = racer.optimizer;
  if (racer.batch_size !== undefined && racer.batch_size !== null) single.batch_size = racer.batch_size;
  return single;
}

/**
 * Line `step` of `gdviz trace` for `scenario`: resolves to { text, line }, the line as printed
 * and as parsed. The trace is stopped once that line is read (the budget may be 100 000 steps).
 */
export function traceLine(scenario, step) {
  return new Promise((resolve, reject) => {
    const child = spawn(GDVIZ, ['trace'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let found = false;
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    createInterface({ input: child.stdout }).on('line', (text) => {
      const line = JSON.parse(text);
      if (found || line.step !== step) return;
      found = true;
      child.kill();
      resolve({ text, line });
    });
    child.on('close', (code) => {
      if (!found) reject(new Error(`gdviz trace ended (code ${code}) before step ${step}: ${stderr.trim()}`));
    });
    child.stdin.end(JSON.stringify(scenario));
  });
}
