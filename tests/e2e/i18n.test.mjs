// Chinese and English: the page in Simplified Chinese leaves no visible word in English (beyond
// names, symbols and units that Chinese course material writes in Latin letters too) in every
// view — Surface, Network, a lesson, the Share dialog, a refusal — and the language menu switches
// every string without losing the run; `lang` rides in the URL and in the share and embed links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, openPage, stateOf, SCREENSHOT_DIR } from './harness.mjs';

let session;
before(async () => { session = await openSession(); });
after(async () => { await session?.close(); });

/**
 * Latin words a Chinese page keeps: optimizer, surface and data-set names, activations, paper
 * authors and titles, file formats and code (URL keys, CSV columns), function names in the
 * formula help, PyTorch's class and parameter names, the symbols of formulas, and the language
 * menu's own names of its languages.
 */
const ALLOWED = new Set(`
  gdviz pytorch sgd adam adamw nadam adamax adagrad rmsprop adadelta bfgs newton nesterov amsgrad wolfe
  rosenbrock himmelblau rastrigin ackley beale booth matyas goldstein price
  tanh relu sigmoid softmax linear xavier xor csv png json url iframe html
  goh why momentum really works kingma robbins monro polyak sutskever duchi hazan singer hinton graves
  zeiler reddi kale kumar loshchilov hutter dozat nocedal wright liu
  sin cos tan exp log sqrt abs max min sign steplr exponentiallr cosineannealinglr eps rho alpha gamma
  eta_min t_max step_size lr_decay max_iter max_eval lr batch optimizer surface seed schedule dataset
  noise legend chart curvature controls epoch epochs samples speed axis lesson lang steps the vmax v_max
  pred mse bce bgd dampening centered weight_decay momentum_decay betas hessian english
`.trim().split(/\s+/));

/**
 * Every Latin word of three letters or more that a person can see on the page (text of visible
 * elements, options of visible selects, aria-label, title and placeholder of visible elements)
 * and that is not in ALLOWED, with where it was found.
 */
function englishLeft(page, allowed) {
  return page.evaluate((allowedWords) => {
    const allow = new Set(allowedWords);
    const found = [];
    const visible = (element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
    const check = (text, where) => {
      for (const word of text.match(/[A-Za-z_]{3,}/g) ?? []) {
        if (!allow.has(word.toLowerCase())) found.push(`${word} in ${where}: “${text.trim().slice(0, 80)}”`);
      }
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style, textarea, option') || !visible(parent)) continue;
      check(node.textContent, `<${parent.tagName.toLowerCase()}${parent.id ? `#${parent.id}` : ''}>`);
    }
    for (const element of document.querySelectorAll('*')) {
      if (!visible(element)) continue;
      if (element.tagName === 'SELECT') for (const option of element.options) check(option.textContent, `option of #${element.id}`);
      for (const attribute of ['aria-label', 'title', 'placeholder']) {
        const value = element.getAttribute(attribute);
        if (value) check(value, `${attribute} of <${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}>`);
      }
    }
    return found;
  }, [...allowed]);
}

test('in Chinese, no view leaves a visible word in English', async () => {
  const { page, errors } = await openPage(session, '?lang=zh-CN');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await page.locator('#step').textContent(), '单步');

  // Surface: a step, so the update written out and the legend's losses show.
  await page.locator('#step').click();
  await page.locator('#explain-box').evaluate((box) => { box.open = true; });
  assert.deepEqual(await englishLeft(page, ALLOWED), [], 'surface view');
  // Each racer's update written out (plain SGD, SGD with momentum, Adam).
  for (const index of [1, 2]) {
    await page.locator('.racer').nth(index).click();
    assert.deepEqual(await englishLeft(page, ALLOWED), [], `surface view, racer ${index + 1}`);
  }
  await page.locator('.racer').nth(0).click();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/zh-surface.png`, fullPage: true });

  // A refusal, worded in Chinese with the control's label.
  const lr = page.locator('#lr');
  await lr.fill('-1');
  await lr.press('Tab');
  const notice = await page.locator('#notice').textContent();
  assert.match(notice, /^学习率：/, notice);
  assert.deepEqual(await englishLeft(page, ALLOWED), [], 'refusal');
  await lr.fill('0.001');
  await lr.press('Tab');

  // A lesson, opened from the list and run to its end (one racer diverges).
  await page.locator('#lessons summary').click();
  await page.getByRole('link', { name: '学习率：太小、合适、太大', exact: true }).click();
  assert.equal(await page.locator('#lesson-title').textContent(), '学习率：太小、合适、太大');
  // Run to the end as runToEnd does, by the Chinese label of the speed slider.
  await page.getByLabel('速度', { exact: true }).press('End');
  if (!(await page.evaluate(() => window.gdviz.playing))) await page.locator('#play').click();
  await page.waitForFunction(() => !window.gdviz.playing && window.gdviz.state.racers.every((r) => r.status !== 'running'), null, { timeout: 90000 });
  const { racers } = await stateOf(page);
  assert.equal(racers[2].status, 'diverged');
  assert.match(await page.locator('.racer').nth(2).textContent(), /在第 \d+ 步发散/);
  assert.deepEqual(await englishLeft(page, ALLOWED), [], 'lesson');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/zh-lesson.png`, fullPage: true });

  // Network: a few steps, the gradient check and the read-outs.
  await page.locator('#tab-network').click();
  await page.locator('#step').click();
  await page.locator('#step').click();
  await page.getByRole('button', { name: '检验梯度' }).click();
  assert.match(await page.locator('#readout').textContent(), /训练损失/);
  assert.deepEqual(await englishLeft(page, ALLOWED), [], 'network view');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/zh-network.png`, fullPage: true });

  // The share dialog: its words in Chinese, and lang kept in the link and the embed code.
  await page.locator('#share-open').click();
  assert.deepEqual(await englishLeft(page, ALLOWED), [], 'share dialog');
  assert.match(await page.locator('#share-link').inputValue(), /[?&]lang=zh-CN(&|$)/);
  assert.match(await page.locator('#share-embed').inputValue(), /[?&]lang=zh-CN&/);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/zh-share.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the language menu switches every string and keeps the run; the browser’s language is the default', async () => {
  // A browser set to Chinese opens in Chinese without lang= in the URL.
  const chinese = await openPage(session, '', { locale: 'zh-CN' });
  assert.equal(await chinese.page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await chinese.page.locator('#tab-surface').textContent(), '曲面');
  await chinese.page.close();

  const { page, errors } = await openPage(session, '?f=rosenbrock&o=sgd(lr=0.001)~adam(lr=0.05)&steps=50');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  for (let i = 0; i < 3; i += 1) await page.locator('#step').click();
  const before = (await stateOf(page)).racers.map((r) => [r.step, r.loss]);
  const english = await page.locator('#counter').textContent();
  assert.match(english, /step 3/);

  await page.getByLabel('Language').selectOption('zh-CN');
  // Its words are fetched when the lab has started (or at the switch): the page switches then.
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assert.deepEqual((await stateOf(page)).racers.map((r) => [r.step, r.loss]), before, 'the run is where it was');
  assert.match(await page.locator('#counter').textContent(), /第 3 步/);
  assert.equal(await page.locator('#play').textContent(), '播放');
  assert.match(page.url(), /[?&]lang=zh-CN/);
  assert.deepEqual(await englishLeft(page, ALLOWED), [], 'after the switch');
  await page.locator('#lessons summary').click();
  assert.equal(await page.locator('#lesson-list a').first().textContent(), '批量、随机与小批量梯度下降');
  assert.match(await page.locator('#lesson-list a').first().getAttribute('href'), /&lang=zh-CN$/, 'a lesson opened in a new tab keeps the language');
  await page.locator('#lessons summary').click();

  await page.getByLabel('语言').selectOption('en');
  assert.equal(await page.locator('#counter').textContent(), english);
  assert.equal(await page.locator('#step').textContent(), 'Step');
  assert.equal(await page.getByLabel('Learning rate', { exact: true }).inputValue(), '0.001');
  assert.match(page.url(), /[?&]lang=en/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an unknown lang is named in the notice and the page opens in English', async () => {
  const { page, errors } = await openPage(session, '?lang=fr');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.match(await page.locator('#notice').textContent(), /ignored `lang`: “fr”/);
  assert.deepEqual(errors, []);
  await page.close();
});
