// The catalogues, checked without a browser: both languages have the same keys, with the same
// parameters; every id the page asks for (data-i18n in index.html, t('…') in www/) exists; no
// Chinese entry is English left untranslated; and no visible text in index.html or sentence in
// www/ bypasses the catalogue. (tests/e2e/i18n.test.mjs walks the rendered page in Chinese.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import EN from '../../www/i18n/en.js';
import ZH from '../../www/i18n/zh-CN.js';
import { chooseLanguage, LANGUAGES } from '../../www/i18n.js';

const root = new URL('../../', import.meta.url);
const read = (path) => readFile(new URL(path, root), 'utf8');
const marks = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** The parameters a function entry reads, from its destructured argument. */
const parameters = (entry) => (/^\(\{([^}]*)\}\)/.exec(String(entry))?.[1] ?? '').split(',').map((p) => p.trim()).filter(Boolean).sort();

test('both languages have the same keys, of the same kind, with the same parameters', () => {
  assert.deepEqual(Object.keys(ZH).filter((key) => !(key in EN)), [], 'keys only in zh-CN');
  assert.deepEqual(Object.keys(EN).filter((key) => !(key in ZH)), [], 'keys only in en');
  for (const key of Object.keys(EN)) {
    const [en, zh] = [EN[key], ZH[key]];
    const params = (entry) => (typeof entry === 'function' ? parameters(entry) : marks(entry));
    // A Chinese sentence may leave out a parameter English needs for its plural, never add one.
    assert.deepEqual(params(zh).filter((p) => !params(en).includes(p)), [], `${key}: parameters zh-CN has and en lacks`);
    if (typeof en === 'string' && typeof zh === 'string') assert.deepEqual(marks(zh), marks(en), key);
  }
});

test('every entry words a sentence for sample parameters', () => {
  const sample = new Proxy({}, { get: (_, name) => (name === 'whole' || name === 'restored' || name === 'one' || name === 'betas' ? true : 2) });
  for (const words of [EN, ZH]) {
    for (const [key, entry] of Object.entries(words)) {
      const text = typeof entry === 'function' ? entry(sample) : entry;
      assert.equal(typeof text, 'string', key);
      // A parameter the entry reads but was not given shows as "undefined" ("the step is
      // undefined" is a sentence of its own).
      assert.ok((String(entry).includes('undefined') || !text.includes('undefined')) && !text.includes('[object'), `${key}: ${text}`);
    }
  }
});

test('no Chinese entry is English left untranslated', () => {
  // Entries that are symbols, names or formulas (curvature.rule.*) in both languages.
  const same = /^(\{formula\}|\{label\}: \{text\}|\{name\}|[A-Za-z₀-₉βαρεγημ_ .()−\d-]{1,24})$/;
  const sample = new Proxy({}, { get: () => 2 });
  for (const key of Object.keys(EN)) {
    const [en, zh] = [EN[key], ZH[key]].map((e) => (typeof e === 'function' ? e(sample) : e));
    if (/[\u4e00-\u9fff]/.test(zh)) continue;
    assert.ok(en === zh ? same.test(en) || key.startsWith('messages.hyper.') || key.startsWith('explain.method.') || key.startsWith('curvature.rule.') : true, `${key}: “${zh}”`);
    assert.ok(!/\b(the|and|of|to|is|at|step|loss|press)\b/i.test(zh), `${key} reads as English: “${zh}”`);
  }
});

test('every id index.html and www/ ask for is in the catalogue', async () => {
  const html = await read('index.html');
  const ids = [...html.matchAll(/data-i18n(?:-aria-label|-title|-placeholder)?="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids.length > 100, `${ids.length} marked strings`);
  for (const id of ids) assert.ok(id in EN, `index.html asks for ${id}`);
  for (const file of (await readdir(new URL('www/', root))).filter((f) => f.endsWith('.js'))) {
    const source = await read(`www/${file}`);
    for (const [, id] of source.matchAll(/\bt\('([^']+)'/g)) assert.ok(id in EN, `${file} asks for ${id}`);
    // Ids kept in tables (a field's label, a choice's title) and handed to t() later.
    const namespaces = 'page|controls|messages|legend|status|panels|explain|network|main|player|stage|share|chart|lessons|catalog';
    for (const [, id] of source.matchAll(new RegExp(`'((?:${namespaces})\\.[\\w.-]+)'`, 'g'))) {
      if (!id.endsWith('.')) assert.ok(id in EN, `${file} names ${id}`);
    }
    // Ids built from a template: some entry must start with the literal prefix.
    for (const [, prefix] of source.matchAll(/\bt\(`([^`$]+)\$\{/g)) {
      assert.ok(Object.keys(EN).some((key) => key.startsWith(prefix)), `${file} asks for ${prefix}…`);
    }
  }
});

test('no visible text in index.html bypasses the catalogue', async () => {
  const html = await read('index.html');
  const body = html.slice(html.indexOf('<body>'));
  // Text between tags whose element carries no data-i18n: only names, symbols (the arrows of
  // buttons worded by their aria-label) and numbers, and
  // the speed, which the player words at once.
  const allowed = new Set(['gdviz', '×', '◀', '▶', 'L1', 'L2', 'tanh', 'ReLU', 'sigmoid', 'Xavier', 'He', '1e-3', '1e-5', '1e-7', '1e-12', '500 steps/s', '1', '2']);
  const left = [];
  for (const match of body.matchAll(/<([a-z0-9]+)([^>]*)>([^<]+)/g)) {
    const [, tag, attributes, text] = match;
    const words = text.trim();
    if (!words || tag === 'script' || /data-i18n="/.test(attributes) || allowed.has(words)) continue;
    left.push(`<${tag}${attributes}>${words}`);
  }
  for (const [, attribute, value] of body.matchAll(/\s(aria-label|title|placeholder)="([^"]*[A-Za-z]{3}[^"]*)"/g)) {
    const tag = body.slice(0, body.indexOf(`${attribute}="${value}"`)).split('<').pop();
    if (!tag.includes(`data-i18n-${attribute}=`) && !body.slice(body.indexOf(`${attribute}="${value}"`)).split('>')[0].includes(`data-i18n-${attribute}=`)) {
      if (value !== '(1-x)^2 + 100*(y-x^2)^2') left.push(`${attribute}="${value}"`);
    }
  }
  assert.deepEqual(left, []);
});

test('no English sentence is written into www/ outside the catalogue', async () => {
  // A string literal with three English words in a row, in code (comments stripped), is a
  // sentence a person may see: it belongs in www/i18n/. Not boot.js (it runs when the modules
  // cannot load) nor embed-api.js (its words are the protocol's, for course-page authors, in
  // the console and in replies to the host: docs/embed.md).
  const left = [];
  const exempt = new Set(['boot.js', 'embed-api.js']);
  for (const file of (await readdir(new URL('www/', root))).filter((f) => f.endsWith('.js') && !exempt.has(f))) {
    const code = (await read(`www/${file}`)).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/\s\/\/ .*$/gm, '');
    for (const [, text] of [...code.matchAll(/(['`])((?:(?!\1)[^\\\n]|\\.)*)\1/g)].map((m) => [m[0], m[2]])) {
      if (/[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}/.test(text) && !/^[\w-]+(, [\w-]+)*$/.test(text)
        && !/(querySelector|closest|matches|\[data-|input, select|button, summary|sans-serif$)/.test(text)) {
        left.push(`${file}: ${text.slice(0, 80)}`);
      }
    }
  }
  assert.deepEqual(left, []);
});

test('the language is the URL’s, else the browser’s first that is offered, else English', () => {
  assert.deepEqual(Object.keys(LANGUAGES), ['en', 'zh-CN']);
  assert.equal(chooseLanguage('zh-CN', ['en-US']), 'zh-CN');
  assert.equal(chooseLanguage('zh-cn', []), 'zh-CN');
  assert.equal(chooseLanguage('en', ['zh-CN']), 'en');
  assert.equal(chooseLanguage(null, ['zh-TW', 'en']), 'zh-CN');
  assert.equal(chooseLanguage(null, ['fr-FR', 'zh-Hans-CN']), 'zh-CN');
  assert.equal(chooseLanguage(null, ['fr-FR', 'de']), 'en');
  assert.equal(chooseLanguage('fr', ['de']), 'en');
  // A link's `lang=zh` (or zh-TW, en-GB) is the language of that primary tag, as a browser's is.
  assert.equal(chooseLanguage('zh', ['en-US']), 'zh-CN');
  assert.equal(chooseLanguage('ZH-tw', []), 'zh-CN');
  assert.equal(chooseLanguage('en-GB', ['zh-CN']), 'en');
  assert.equal(chooseLanguage('fr', ['zh']), 'zh-CN');
});
