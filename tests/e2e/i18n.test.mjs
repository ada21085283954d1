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
  uci alpaydin kaynak scikit learn
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
  await page.waitForFunction(() => !window.gdviz.playing && !window.gdviz.drawingInTurn
    && window.gdviz.state.racers.every((r) => r.status !== 'running'), null, { timeout: 90000 });
  const { racers } = await stateOf(page);
  assert.equal(racers[2].status, 'diverged');
  assert.match(await page.locator('.racer').nth(2).textContent(), /在第 \d+ 步发散/);
  assert.deepEqual(await englishLeft(page, ALLOWED), [], 'lesson');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/zh-lesson.png`, fullPage: true });

  // Network: a few steps, the gradient check and the read-outs.
  await page.locator('#tab-network').click();
  await page.locator('#network-editor').waitFor();
  await page.locator('#step').click();
  await page.locator('#step').click();
  await page.getByRole('button', { name: '检验梯度' }).click();
  await page.waitForFunction(() => !window.gdviz.drawingInTurn);
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
  // A refusal shown in Chinese does not stay on the English page.
  await page.getByLabel('学习率', { exact: true }).fill('-3');
  await page.getByLabel('学习率', { exact: true }).press('Tab');
  assert.match(await page.locator('#notice').textContent(), /^学习率：/);

  await page.getByLabel('语言').selectOption('en');
  assert.equal(await page.locator('#notice').isHidden(), true, 'the Chinese notice is gone');
  assert.equal(await page.getByLabel('Learning rate', { exact: true }).getAttribute('aria-invalid'), null);
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

test('lang=zh, as a person writes it, opens in Chinese with no notice', async () => {
  const { page, errors } = await openPage(session, '?lang=zh');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(await page.getByLabel('语言').inputValue(), 'zh-CN');
  assert.equal(await page.locator('#notice').isVisible(), false);
  assert.deepEqual(errors, []);
  await page.close();
});

/**
 * The refusals the lab hands over as data (an id and its numbers), each brought about through
 * its own control — a typo in your own function, Nesterov without momentum, a bad CSV cell, a
 * file that is not JSON, a link's value the lab ignores — worded in `lang`: `expect[i]` is the
 * notice's wording of the i-th, which names the control as its label does.
 */
async function refusalsIn(lang, expect) {
  const { page, errors } = await openPage(session, `?f=booth&o=sgd(lr=0.001)&seed=-1&lang=${lang}`);
  const notices = [];
  const say = async () => {
    // Each refusal follows a change the page accepted, which cleared the notice before.
    await page.waitForFunction(() => document.getElementById('notice').textContent.trim() !== '');
    const text = (await page.locator('#notice').textContent()).trim();
    notices.push(text);
    return text;
  };
  // A link's value the lab ignored: `seed=-1` is not a whole number ≥ 0.
  assert.match(await say(), expect[0]);
  const left = [];
  if (lang === 'zh-CN') left.push(...await englishLeft(page, ALLOWED));

  // A typo in your own function, typed into its field.
  await page.locator('#surface').selectOption('custom');
  const field = page.locator('#expr');
  await field.fill('x^2 + (y');
  await field.press('Enter');
  assert.match(await say(), expect[1]);
  if (lang === 'zh-CN') left.push(...await englishLeft(page, ALLOWED));
  await field.fill('x^2 + y^2');
  await field.press('Enter');

  // Nesterov ticked with momentum 0.
  await page.locator('#hyper summary').click();
  const nesterov = page.locator('#hyper-fields label', { hasText: 'Nesterov' }).locator('input');
  await nesterov.check();
  assert.match(await say(), expect[2]);
  if (lang === 'zh-CN') left.push(...await englishLeft(page, ALLOWED));
  await nesterov.uncheck();

  // A file that is not JSON, chosen with Import JSON in the share dialog.
  await page.locator('#share-open').click();
  await page.locator('#import-json').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{\n  "steps": 10,\n  "seed": ]\n}') });
  // Said in the dialog, which stays open (the page's notice is behind it).
  const inDialog = page.locator('#share[open] #import-note');
  await page.waitForFunction(() => document.getElementById('import-note').textContent !== '');
  assert.equal(await inDialog.isVisible(), true);
  const notJson = await inDialog.textContent();
  notices.push(notJson);
  assert.match(notJson, expect[3]);
  await page.keyboard.press('Escape');
  // JSON, but not a scenario: the refusal names Import JSON too.
  await page.locator('#share-open').click();
  await page.locator('#import-json').setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  assert.match(await say(), expect[4]);

  // A CSV cell that is not a number, pasted into the network lab's data box.
  await page.locator('#tab-network').click();
  await page.locator('#csv-box summary').click();
  await page.locator('#csv').fill('x1,x2,label\n0.1,0.2,1\n0.3,?,0');
  await page.locator('#use-csv').click();
  assert.match(await say(), expect[5]);
  if (lang === 'zh-CN') left.push(...await englishLeft(page, ALLOWED));
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${lang}-refusal-csv.png`, fullPage: false });
  assert.deepEqual(left, [], `${lang}: English left in the refusals`);
  assert.deepEqual(errors, []);
  await page.close();
  return notices;
}

test('the refusals the lab hands over as data are worded in the page’s language, in the controls’ words', async () => {
  const english = await refusalsIn('en', [
    /^ignored `seed`: “−1” is not a whole number ≥ 0$/,
    /^Function f\(x, y\): a “\)” is missing at the end to close the one opened at character 7\.$/,
    /^Nesterov: Nesterov momentum needs a momentum above 0 and a dampening of 0 — raise the momentum, or untick Nesterov\.$/,
    /^Import JSON: the file is not JSON — it stops making sense at line 3, column \d+\.$/,
    /^Import JSON: hello: not a field here \(accepted: objective, optimizer, .*, goal\)$/,
    /^Your data \(CSV\): row 3, column 2: “\?” is not a number\.$/,
  ]);
  const chinese = await refusalsIn('zh-CN', [
    /^已忽略链接中的 `seed`：“−1”不是 ≥ 0 的整数$/,
    /^函数 f\(x, y\)：末尾缺少“\)”，与第 7 个字符处的括号配对。$/,
    /^Nesterov 动量：Nesterov 动量需要大于 0 的动量且阻尼为 0——请调高动量，或取消勾选 Nesterov。$/,
    /^导入 JSON：该文件不是 JSON——从第 3 行第 \d+ 列起无法解析。$/,
    /^导入 JSON：hello：这里没有这个字段（可用：objective, optimizer, .*, goal）$/,
    /^你的数据（CSV）：第 3 行第 2 列：“\?”不是数。$/,
  ]);
  // The same refusals, not the same sentences: no English sentence is left in the Chinese ones.
  for (const [i, text] of chinese.entries()) {
    assert.notEqual(text, english[i]);
    assert.doesNotMatch(text, /\b(is|not|the|and|at|row|column|position|line)\b/, text);
  }
});

test('a language switch re-words the digits lab at once, not when it next draws', async () => {
  const { page, errors } = await openPage(session, '?view=digits&lang=en');
  await page.waitForFunction(() => /Test accuracy/.test(document.getElementById('digits-accuracy').textContent));
  await page.getByLabel('Language').selectOption('zh-CN');
  // Nothing is playing: the read-outs, the button and the pictures' titles change at once.
  assert.match(await page.locator('#digits-accuracy').textContent(), /^测试准确率 [\d.]+ %$/);
  assert.match(await page.locator('#digits-progress').textContent(), /次更新 · .* 轮$/);
  assert.equal(await page.locator('#digits-play').textContent(), '播放');
  assert.deepEqual(await page.locator('.view-tab[aria-pressed=true]').allTextContents(), ['手写数字'], 'only the digits tab is marked');
  assert.equal(await page.locator('#digits-lab').getAttribute('aria-label'), '手写数字实验台', 'the lab’s own name, as a screen reader hears it');
  assert.deepEqual(await englishLeft(page, ALLOWED), [], 'digits lab after the switch');
  // So is the 3-D view's canvas, set up when the page started in English.
  assert.equal(await page.locator('#paths3d').getAttribute('aria-label'), '三维损失曲面：拖动或用方向键旋转，用滚轮、双指缩放或 + 和 − 缩放');
  // A lesson opened in Chinese is worded again in English on the way back.
  await page.locator('#digits-lessons button').first().click();
  await page.locator('#digits-play').click();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/zh-digits.png`, fullPage: true });
  await page.getByLabel('语言').selectOption('en');
  assert.match(await page.locator('#digits-accuracy').textContent(), /^Test accuracy [\d.]+ %$/);
  assert.equal(await page.locator('#digits-lesson-title').textContent(), 'Vanishing gradients: sigmoid and small weights');
  assert.equal(await page.locator('#digits-lessons button').first().textContent(), 'Vanishing gradients: sigmoid and small weights');
  assert.deepEqual(errors, []);
  await page.close();
});
