'use strict';
// End-to-end tests: fake Rasa socket.io server + fake portal APIs + headless Debian chromium.
const { test, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { chromium } = require('playwright-core');
const { startRasa, startPortal } = require('./fake-servers');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = path.join(__dirname, 'screenshots');
const DIST = path.join(__dirname, '..', 'dist', 'guidebot-widget.js');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let rasa;
let portal;
let browser;
const opened = [];

before(async () => {
  assert.ok(fs.existsSync(DIST), 'dist/guidebot-widget.js missing: run `npm run build` first');
  fs.mkdirSync(SHOTS, { recursive: true });
  rasa = await startRasa();
  portal = await startPortal();
  rasa.setApiPort(portal.port);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});

afterEach(async () => {
  while (opened.length) await opened.pop().close().catch(() => {});
});

after(async () => {
  if (browser) await browser.close();
  if (rasa) await rasa.close();
  if (portal) await portal.close();
});

// ------------------------------------------------------------------ helpers
function pageUrl(params = {}, pathname = '/') {
  const q = new URLSearchParams({ server: rasa.url(), api: portal.url('').replace(/\/$/, ''), ...params });
  return portal.url(pathname + '?' + q.toString());
}

async function newPage(contextOptions = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN', ...contextOptions });
  opened.push(ctx);
  const page = await ctx.newPage();
  const errors = [];
  const dialogs = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return { ctx, page, errors, dialogs };
}

async function eventually(fn, { timeout = 8000, interval = 50 } = {}) {
  const end = Date.now() + timeout;
  let lastErr;
  for (;;) {
    try { return await fn(); } catch (e) { lastErr = e; }
    if (Date.now() > end) throw lastErr;
    await new Promise((r) => setTimeout(r, interval));
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const launcher = (page) => page.locator('.gbw-launcher');
const dialog = (page) => page.getByRole('dialog', { name: '智能客服' });
const input = (page) => page.locator('#gbw-input');
const messages = (page) => page.locator('.gbw-log .gbw-msg:not(.gbw-greeting)');
const botTexts = (page) => page.locator('.gbw-log .gbw-msg-bot:not(.gbw-greeting) .gbw-bubble');
const userTexts = (page) => page.locator('.gbw-log .gbw-msg-user .gbw-bubble');
const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, name + '.png') });
const sessionKey = () => `gbw:${rasa.url()}:session`;

async function lastText(locator) {
  const n = await locator.count();
  if (!n) throw new Error('no element');
  return (await locator.nth(n - 1).innerText()).trim();
}
async function waitLastBot(page, text) {
  await eventually(async () => assert.equal(await lastText(botTexts(page)), text));
}
async function openWidget(page) {
  await launcher(page).click();
  await dialog(page).waitFor({ state: 'visible' });
  await eventually(async () => assert.equal(await page.locator('.gbw-send').getAttribute('aria-disabled'), 'false'));
}
async function sendTyped(page, text) {
  await input(page).fill(text);
  await input(page).press('Enter');
}
async function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    return {
      tag: el.tagName, id: el.id, cls: el.className, name: el.getAttribute('aria-label') || el.textContent.trim(),
      outlineWidth: cs.outlineWidth, outlineStyle: cs.outlineStyle, inWidget: !!el.closest('.gbw-root')
    };
  });
}

// -------------------------------------------------------------------- tests
test('build: one bundle within the 40 KB gzip budget', () => {
  const buf = fs.readFileSync(DIST);
  const gz = zlib.gzipSync(buf).length;
  console.log(`# dist/guidebot-widget.js: ${buf.length} bytes, ${gz} bytes gzipped`);
  assert.ok(gz <= 40 * 1024, `gzipped size ${gz} exceeds 40 KB`);
  const src = buf.toString();
  assert.ok(!/https?:\/\/(cdn|unpkg|jsdelivr)/i.test(src), 'no CDN references');
  assert.ok(src.includes('gbw-root'), 'CSS is inlined');
});

test('open, greeting + hot questions, text, split replies, quick replies, guide card, reload keeps history', async () => {
  const { page, errors, dialogs } = await newPage();
  await page.goto(pageUrl());
  const btn = page.getByRole('button', { name: '在线咨询', exact: true });
  await btn.waitFor();
  assert.equal(rasa.socketCount(), 0, 'no socket before the widget is first opened');
  assert.equal(await dialog(page).isVisible(), false);

  await btn.click();
  await dialog(page).waitFor({ state: 'visible' });
  assert.equal(await btn.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.locator('.gbw-panel').getAttribute('lang'), 'zh-CN');
  const logRegion = page.getByRole('log');
  assert.equal(await logRegion.getAttribute('aria-live'), 'polite');
  assert.equal((await focusInfo(page)).id, 'gbw-input', 'focus moves to the input on open');

  // greeting + hot questions
  await page.getByText('您好！我是办事指南智能客服，可以帮您查询办事材料、流程、时限、地点等。').waitFor();
  const hot = page.getByRole('group', { name: '热门问题' }).getByRole('button');
  await eventually(async () => assert.equal(await hot.count(), 3));
  await eventually(async () => assert.equal(await page.locator('.gbw-send').getAttribute('aria-disabled'), 'false'));
  assert.deepEqual(rasa.state.sessionRequests.slice(-1), [null], 'first session_request has session_id null');
  const sid = await page.evaluate((k) => localStorage.getItem(k), sessionKey());
  assert.match(sid, /^[0-9a-f]{32}$/);

  await shot(page, '01-greeting');
  await hot.first().click();
  await eventually(() => assert.deepEqual(rasa.state.messages.slice(-1), [{ message: '教师资格证怎么认定', session_id: sid }]));
  await waitLastBot(page, '收到：教师资格证怎么认定');
  assert.equal(await page.getByRole('group', { name: '热门问题' }).count(), 0, 'hot questions retire after use');

  // split reply with quick replies on the last part
  await sendTyped(page, '教师资格');
  await waitLastBot(page, '您想了解哪方面？');
  const botCount = await botTexts(page).count();
  assert.equal(await botTexts(page).nth(botCount - 2).innerText(), '高校教师资格认定由自治区教育厅受理。');
  const qr = page.getByRole('group', { name: '可选回复' });
  assert.equal(await qr.count(), 1);
  assert.deepEqual(await qr.getByRole('button').allInnerTexts(), ['申请材料', '办理时限']);

  // quick reply: payload goes to the bot, the title is shown
  await qr.getByRole('button', { name: '办理时限' }).click();
  await eventually(() => assert.equal(rasa.state.messages.at(-1).message, '/ask_guide{"aspect":"时限"}'));
  assert.equal(await lastText(userTexts(page)), '办理时限');
  await page.getByRole('status').filter({ hasText: '正在输入…' }).waitFor();
  const card = page.locator('.gbw-card');
  await card.waitFor();
  assert.equal(await page.getByRole('status').filter({ hasText: '正在输入…' }).count(), 0, 'typing indicator gone');

  // guide card rendering
  assert.equal(await card.getByRole('heading', { level: 3 }).innerText(), '高校教师资格认定示例数据');
  assert.ok(await card.locator('.gbw-tag').isVisible(), '示例数据 tag is visible');
  assert.equal(await card.locator('.gbw-tag').innerText(), '示例数据');
  assert.equal(await card.locator('.gbw-card-meta').innerText(), '自治区教育厅 · 广西壮族自治区 · 更新日期：2026-10-01');
  assert.deepEqual(await card.locator('ol > li').allInnerTexts(),
    ['居民身份证（必要，原件1份）', '学历证书（必要，原件1份）', '普通话水平测试等级证书（必要，原件1份）']);
  assert.deepEqual(await card.locator('ul > li').allInnerTexts(), ['法定时限：20个工作日', '承诺时限：10个工作日']);
  assert.equal(await card.locator('.gbw-sec p').innerText(), '以上为示例数据，请以窗口最新要求为准。\n第二行说明。');
  const full = card.getByRole('link', { name: '查看完整办事指南' });
  assert.equal(await full.getAttribute('href'), portal.url('/guides/GX-JY-001'));
  assert.equal(await full.getAttribute('target'), '_blank');
  assert.equal(await full.getAttribute('rel'), 'noopener noreferrer');
  assert.ok(await card.locator('.gbw-sec-cur').getByText('办理时限').isVisible(), 'asked aspect is highlighted');
  // only the newest quick replies stay: the card's buttons
  assert.equal(await page.getByRole('group', { name: '可选回复' }).count(), 1);
  assert.deepEqual(await page.getByRole('group', { name: '可选回复' }).getByRole('button').allInnerTexts(), ['办理流程', '办理地点']);
  await shot(page, '02-guide-card');

  // the host page's CSS neither breaks the widget nor is changed by it
  const styles = await page.evaluate(() => {
    const cs = (sel) => getComputedStyle(document.querySelector(sel));
    return {
      hostBtnBg: cs('.host-btn').backgroundColor, hostP: cs('.host-p').color,
      launcherBg: cs('.gbw-launcher').backgroundColor, launcherPad: cs('.gbw-launcher').paddingTop,
      panelDisplay: cs('.gbw-panel').display, qrTransform: cs('.gbw-qr').textTransform,
      olPad: cs('.gbw-card ol').paddingLeft, rootFont: cs('.gbw-root').fontSize, rootAlign: cs('.gbw-bubble').textAlign
    };
  });
  assert.equal(styles.hostBtnBg, 'rgb(0, 255, 0)');
  assert.equal(styles.hostP, 'rgb(255, 0, 0)');
  assert.equal(styles.launcherBg, 'rgb(183, 28, 28)');
  assert.notEqual(styles.launcherPad, '30px');
  assert.equal(styles.panelDisplay, 'flex');
  assert.equal(styles.qrTransform, 'none');
  assert.notEqual(styles.olPad, '90px');
  assert.equal(styles.rootFont, '14px');
  assert.equal(styles.rootAlign, 'left');

  // reload: history and session survive, panel stays open, the card's quick replies still work
  const before = await messages(page).count();
  const requestsBefore = rasa.state.sessionRequests.length;
  await page.reload();
  await dialog(page).waitFor({ state: 'visible' });
  await eventually(async () => assert.equal(await messages(page).count(), before));
  await eventually(() => assert.equal(rasa.state.sessionRequests.length, requestsBefore + 1));
  assert.equal(rasa.state.sessionRequests.at(-1), sid, 'session_request carries the stored id');
  assert.equal(await page.locator('.gbw-card').count(), 1);
  assert.equal(await page.getByText('您好！我是办事指南智能客服').count(), 0, 'no greeting when history exists');
  await eventually(async () => assert.equal(await page.locator('.gbw-send').getAttribute('aria-disabled'), 'false'));
  await page.getByRole('group', { name: '可选回复' }).getByRole('button', { name: '办理地点' }).click();
  await eventually(() => assert.deepEqual(rasa.state.messages.at(-1), { message: '/ask_guide{"aspect":"地点"}', session_id: sid }));
  await eventually(async () => assert.equal(await page.locator('.gbw-card').count(), 2));
  assert.equal(await page.getByRole('group', { name: '可选回复' }).count(), 1, 'older quick replies removed');

  // another portal page: same conversation
  const count = await messages(page).count();
  await page.goto(pageUrl({}, '/other'));
  await eventually(async () => assert.equal(await messages(page).count(), count));
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), sessionKey()), sid);
  assert.deepEqual(errors, []);
  assert.deepEqual(dialogs, []);
});

test('keyboard-only flow with visible focus rings', async () => {
  const { page, errors } = await newPage();
  await page.goto(pageUrl());
  await launcher(page).waitFor();
  // Tab from the top of the page until the launcher has focus
  let info;
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    info = await focusInfo(page);
    if (info.cls.includes('gbw-launcher')) break;
  }
  assert.ok(info.cls.includes('gbw-launcher'), 'launcher reachable by Tab');
  assert.equal(info.outlineWidth, '3px');
  assert.equal(info.outlineStyle, 'solid');
  await page.keyboard.press('Enter');
  await dialog(page).waitFor({ state: 'visible' });
  assert.equal((await focusInfo(page)).id, 'gbw-input');
  await eventually(async () => assert.equal(await page.locator('.gbw-send').getAttribute('aria-disabled'), 'false'));
  await eventually(async () => assert.equal(await page.getByRole('group', { name: '热门问题' }).getByRole('button').count(), 3));

  await page.keyboard.type('你好');
  await page.keyboard.press('Enter');
  await waitLastBot(page, '您好，请问您要办理什么事项？');
  assert.equal(await input(page).inputValue(), '', 'input cleared after send');

  // Shift+Enter = newline; whitespace only is not sent
  const sent = rasa.state.messages.length;
  await page.keyboard.type('第一行');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('第二行');
  assert.equal(await input(page).inputValue(), '第一行\n第二行');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('   ');
  await page.keyboard.press('Enter');
  await sleep(300);
  assert.equal(rasa.state.messages.length, sent, 'whitespace-only message not sent');
  assert.ok((await page.locator('.gbw-counter').textContent()).endsWith('3/500'), 'visible counter');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');

  // Walk the whole panel with Tab: every stop is inside the widget with a 3px ring
  await page.locator('.gbw-close').focus();
  const stops = [];
  for (let i = 0; i < 7; i++) {
    const f = await focusInfo(page);
    stops.push(f.name);
    assert.ok(f.inWidget, 'focus stays in the widget');
    assert.equal(f.outlineWidth, '3px', `focus ring on ${f.name}`);
    assert.equal(f.outlineStyle, 'solid');
    await page.keyboard.press('Tab');
  }
  assert.deepEqual(stops, ['关闭', '大字模式', '评价', '转人工', '对话记录', '输入您的问题', '发送']);

  // 评价 by keyboard sends /rate
  await page.locator('.gbw-rate-btn').focus();
  await page.keyboard.press('Enter');
  await eventually(() => assert.equal(rasa.state.messages.at(-1).message, '/rate'));
  assert.equal(await lastText(userTexts(page)), '评价本次服务');
  await waitLastBot(page, '请您为本次服务打分（1-5分）。');
  await page.locator('.gbw-human-btn').focus();
  await page.keyboard.press('Space');
  await eventually(() => assert.equal(rasa.state.messages.at(-1).message, '/request_human'));
  await waitLastBot(page, '正在为您转接人工客服，请稍候。');

  // Escape closes and returns focus to the launcher
  await input(page).focus();
  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'hidden' });
  info = await focusInfo(page);
  assert.ok(info.cls.includes('gbw-launcher'), 'focus back on the launcher');
  assert.equal(info.outlineWidth, '3px');
  await shot(page, '03-keyboard-launcher-focus');
  assert.deepEqual(errors, []);
});

test('大字模式: 1.5x text, high contrast, persists across reloads', async () => {
  const { page, errors } = await newPage();
  await page.goto(pageUrl());
  await openWidget(page);
  const toggle = page.getByRole('button', { name: '大字模式' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  const size = () => page.evaluate(() => ['.gbw-greeting .gbw-bubble', '.gbw-title', '.gbw-input', '.gbw-send', '.gbw-qr', '.gbw-counter']
    .map((s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)));
  const small = await size();
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  const big = await size();
  big.forEach((b, i) => assert.ok(b / small[i] >= 1.5, `text scaled ${b}/${small[i]}`));
  const colours = await page.evaluate(() => ({
    header: getComputedStyle(document.querySelector('.gbw-header')).backgroundColor,
    text: getComputedStyle(document.querySelector('.gbw-greeting .gbw-bubble')).color
  }));
  assert.equal(colours.header, 'rgb(0, 0, 0)');
  assert.equal(colours.text, 'rgb(0, 0, 0)');
  await sendTyped(page, '教师资格');
  await waitLastBot(page, '您想了解哪方面？');
  await page.getByRole('button', { name: '申请材料' }).click();
  await page.locator('.gbw-card').waitFor();
  await shot(page, '04-large-mode');

  await page.reload();
  await dialog(page).waitFor({ state: 'visible' });
  assert.equal(await page.getByRole('button', { name: '大字模式' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.gbw-root')).fontSize), '22px');
  await page.getByRole('button', { name: '大字模式' }).click();
  assert.equal(await page.evaluate(() => localStorage.getItem('gbw:large')), '0');
  assert.deepEqual(errors, []);
});

test('HTML and script in messages render inert', async () => {
  const { page, errors, dialogs } = await newPage();
  await page.goto(pageUrl());
  await openWidget(page);
  await sendTyped(page, '危险');
  await waitLastBot(page, '完毕');
  await sleep(300);
  const check = async () => {
    const r = await page.evaluate(() => {
      const rootEl = document.querySelector('.gbw-root');
      return {
        injected: rootEl.querySelectorAll('img, script, b, i, iframe, object').length,
        anchors: [...rootEl.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        texts: [...rootEl.querySelectorAll('.gbw-msg-bot .gbw-bubble')].map((b) => b.textContent),
        card: document.querySelector('.gbw-card') && document.querySelector('.gbw-card').textContent,
        qr: [...rootEl.querySelectorAll('.gbw-qr')].map((b) => b.textContent)
      };
    });
    assert.equal(r.injected, 0, 'no element created from message content');
    assert.deepEqual(r.anchors, ['https://example.org/a?b=1'], 'only the https URL became a link');
    assert.ok(r.texts.some((t) => t.includes('<img src=x onerror="alert(1)"><script>alert(2)</script><b>粗体</b> javascript:alert(3)')));
    assert.ok(r.card.includes('<img src=y onerror="alert(5)">卡片'));
    assert.ok(r.card.includes('<script>alert(6)</script>'));
    assert.ok(!r.card.includes('查看完整办事指南'), 'javascript: card url is not linked');
    assert.deepEqual(r.qr, ['<b>按钮</b>']);
    assert.equal(r.texts.filter((t) => t.includes('alert(7)')).length, 0, 'attachment without text ignored');
  };
  await check();
  // history re-rendered from localStorage is just as inert
  await page.reload();
  await dialog(page).waitFor({ state: 'visible' });
  await waitLastBot(page, '完毕');
  await check();
  const link = page.locator('.gbw-bubble a');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(await link.getAttribute('target'), '_blank');
  await shot(page, '05-inert-html');
  assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
  assert.deepEqual(dialogs, [], 'no alert() ran');
  assert.deepEqual(errors, []);
});

test('unread badge while closed', async () => {
  const { page, errors } = await newPage();
  await page.goto(pageUrl());
  await openWidget(page);
  await sendTyped(page, '你好');
  await waitLastBot(page, '您好，请问您要办理什么事项？');
  const sid = await page.evaluate((k) => localStorage.getItem(k), sessionKey());
  await page.getByRole('button', { name: '关闭' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
  rasa.push(sid, { text: '补充说明一' });
  rasa.push(sid, { text: '补充说明二' });
  const btn = page.getByRole('button', { name: '2条未读消息' });
  await btn.waitFor();
  assert.equal(await btn.getAttribute('aria-label'), '在线咨询（2条未读消息）');
  assert.equal(await page.locator('.gbw-badge').innerText(), '2');
  assert.ok(await page.locator('.gbw-badge').isVisible());
  await shot(page, '06-unread-badge');
  await btn.click();
  await dialog(page).waitFor({ state: 'visible' });
  assert.equal(await page.locator('.gbw-badge').isVisible(), false);
  assert.equal(await launcher(page).getAttribute('aria-label'), '在线咨询');
  await waitLastBot(page, '补充说明二');
  assert.deepEqual(errors, []);
});

test('completion combobox: debounce, arrows, Enter picks without sending, Escape, mouse', async () => {
  const { page, errors } = await newPage();
  await page.goto(pageUrl());
  await openWidget(page);
  const combo = page.getByRole('combobox');
  const box = page.getByRole('listbox');
  const q0 = portal.state.completeQueries.length;
  const sent = rasa.state.messages.length;

  await input(page).focus();
  await page.keyboard.type('教');
  await sleep(400);
  assert.equal(portal.state.completeQueries.length, q0, 'no request below 2 characters');
  await page.keyboard.type('师资', { delay: 60 });
  await box.waitFor({ state: 'visible' });
  assert.deepEqual(portal.state.completeQueries.slice(q0), [{ q: '教师资', limit: 6 }], 'debounced to one request');
  assert.equal(await combo.getAttribute('aria-expanded'), 'true');
  const options = box.getByRole('option');
  assert.equal(await options.count(), 3);
  assert.equal(await options.first().locator('.gbw-option-name').innerText(), '高校教师资格认定');
  assert.equal(await options.first().locator('.gbw-option-dept').innerText(), '自治区教育厅');
  await shot(page, '07-completion');

  await page.keyboard.press('ArrowDown');
  assert.equal(await options.nth(0).getAttribute('aria-selected'), 'true');
  assert.equal(await input(page).getAttribute('aria-activedescendant'), 'gbw-opt-0');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await input(page).getAttribute('aria-activedescendant'), 'gbw-opt-2');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await input(page).getAttribute('aria-activedescendant'), 'gbw-opt-0');
  await page.keyboard.press('Enter');
  assert.equal(await input(page).inputValue(), '高校教师资格认定');
  assert.equal(await box.isVisible(), false);
  assert.equal(await combo.getAttribute('aria-expanded'), 'false');
  await sleep(400);
  assert.equal(rasa.state.messages.length, sent, 'picking does not send');
  assert.equal(await dialog(page).isVisible(), true);

  // Escape closes only the list
  await input(page).fill('');
  await page.keyboard.type('身份证');
  await box.waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  assert.equal(await box.isVisible(), false);
  assert.equal(await dialog(page).isVisible(), true, 'Escape on the list keeps the panel open');

  // mouse pick
  await input(page).fill('');
  await page.keyboard.type('身份证');
  await box.waitFor({ state: 'visible' });
  await box.getByRole('option', { name: /居民身份证补领/ }).click();
  assert.equal(await input(page).inputValue(), '居民身份证补领');
  assert.equal((await focusInfo(page)).id, 'gbw-input');
  await page.keyboard.press('Enter'); // list closed: Enter sends
  await eventually(() => assert.equal(rasa.state.messages.at(-1).message, '居民身份证补领'));
  assert.deepEqual(errors, []);
});

test('typing indicator and reply timeout', async () => {
  const { page, errors } = await newPage();
  await page.goto(pageUrl({ rt: '3' }));
  await openWidget(page);
  await sendTyped(page, '慢');
  const status = page.locator('.gbw-typing');
  assert.equal(await status.getAttribute('role'), 'status');
  assert.equal(await status.innerText(), '正在输入…');
  await waitLastBot(page, '久等了，这是回复。');
  assert.equal(await status.innerText(), '');
  await sendTyped(page, '沉默');
  assert.equal(await status.innerText(), '正在输入…');
  await eventually(async () => assert.equal(await status.innerText(), '回复超时，请稍后重试或拨打12345政务服务便民热线。'), { timeout: 6000 });
  await shot(page, '08-reply-timeout');
  assert.deepEqual(errors, []);
});

test('disconnect shows a banner and blocks sending, reconnect restores the session', async () => {
  const { page, errors } = await newPage();
  await page.goto(pageUrl());
  await openWidget(page);
  await sendTyped(page, '你好');
  await waitLastBot(page, '您好，请问您要办理什么事项？');
  const sid = await page.evaluate((k) => localStorage.getItem(k), sessionKey());

  await rasa.stop();
  const banner = page.getByRole('status').filter({ hasText: '连接已断开，正在重新连接…' });
  await banner.waitFor({ state: 'visible' });
  assert.equal(await page.getByRole('button', { name: '发送' }).getAttribute('aria-disabled'), 'true');
  assert.ok((await page.locator('#gbw-note').innerText()).includes('暂时无法发送'), 'says why sending is off');
  const sent = rasa.state.messages.length;
  await sendTyped(page, '断线时的消息');
  assert.equal(await input(page).inputValue(), '断线时的消息', 'text kept, not sent');
  await shot(page, '09-disconnected');

  const reqs = rasa.state.sessionRequests.length;
  await sleep(1500);
  await rasa.restart();
  await banner.waitFor({ state: 'hidden', timeout: 15000 });
  await eventually(() => assert.deepEqual(rasa.state.sessionRequests.slice(reqs), [sid]), { timeout: 5000 });
  assert.equal(await page.getByRole('button', { name: '发送' }).getAttribute('aria-disabled'), 'false');
  assert.equal(await page.locator('.gbw-banner').innerText(), '');
  await input(page).press('Enter');
  await eventually(() => assert.deepEqual(rasa.state.messages.slice(sent), [{ message: '断线时的消息', session_id: sid }]));
  await waitLastBot(page, '收到：断线时的消息');
  assert.deepEqual(errors, []);
});

test('first connection failing shows the 12345 message', async () => {
  const { page, errors } = await newPage();
  await page.goto(pageUrl({ server: 'http://127.0.0.1:9', ct: '1' }));
  await launcher(page).click();
  await page.getByRole('status').filter({ hasText: '暂时无法连接智能客服，请稍后再试或拨打12345。' }).waitFor({ timeout: 5000 });
  assert.equal(await page.getByRole('button', { name: '发送' }).getAttribute('aria-disabled'), 'true');
  await shot(page, '10-connect-failed');
  assert.deepEqual(errors, []);
});

test('hot questions fetch failing is skipped quietly', async () => {
  portal.state.hotFail = true;
  try {
    const { page, errors } = await newPage();
    await page.goto(pageUrl());
    await openWidget(page);
    await page.getByText('您好！我是办事指南智能客服').waitFor();
    await sleep(300);
    assert.equal(await page.getByRole('group', { name: '热门问题' }).count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    portal.state.hotFail = false;
  }
});

test('mobile 360 px: full screen panel', async () => {
  const { page, errors } = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(pageUrl());
  await openWidget(page);
  const box = await page.locator('.gbw-panel').boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 360, 740]);
  assert.equal(await launcher(page).isVisible(), false, 'launcher hidden under the full-screen panel');
  await sendTyped(page, '教师资格');
  await waitLastBot(page, '您想了解哪方面？');
  await page.getByRole('button', { name: '申请材料' }).click();
  await page.locator('.gbw-card').waitFor();
  const overflow = await page.evaluate(() => [...document.querySelectorAll('.gbw-panel, .gbw-log, .gbw-card, .gbw-header, .gbw-composer')]
    .filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.className));
  assert.deepEqual(overflow, [], 'no horizontal overflow at 360 px');
  const sendBox = await page.getByRole('button', { name: '发送' }).boundingBox();
  assert.ok(sendBox.x + sendBox.width <= 360 && sendBox.height >= 40, 'send button on screen and tappable');
  await shot(page, '11-mobile');
  await page.getByRole('button', { name: '大字模式' }).click();
  await shot(page, '12-mobile-large');
  await page.getByRole('button', { name: '关闭' }).click();
  assert.equal(await launcher(page).isVisible(), true);
  assert.deepEqual(errors, []);
});

test('window.GuideBotWidget API: send, close, open, reset; data attributes', async () => {
  const { page, errors } = await newPage();
  await page.goto(pageUrl({ title: '广西政务客服', color: '#ffeb3b' }));
  await launcher(page).waitFor();
  assert.deepEqual(await page.evaluate(() => Object.keys(window.GuideBotWidget).sort()), ['close', 'open', 'reset', 'send']);
  await page.evaluate(() => window.GuideBotWidget.send('你好'));
  const dlg = page.getByRole('dialog', { name: '广西政务客服' });
  await dlg.waitFor({ state: 'visible' });
  await waitLastBot(page, '您好，请问您要办理什么事项？');
  // light brand colour: dark text on it, readable quick replies
  const c = await page.evaluate(() => ({
    header: getComputedStyle(document.querySelector('.gbw-header')).backgroundColor,
    headerText: getComputedStyle(document.querySelector('.gbw-title')).color
  }));
  assert.equal(c.header, 'rgb(255, 235, 59)');
  assert.equal(c.headerText, 'rgb(0, 0, 0)');
  await page.evaluate(() => window.GuideBotWidget.close());
  await dlg.waitFor({ state: 'hidden' });
  const oldSid = await page.evaluate((k) => localStorage.getItem(k), sessionKey());
  await page.evaluate(() => window.GuideBotWidget.reset());
  await page.evaluate(() => window.GuideBotWidget.open());
  await dlg.waitFor({ state: 'visible' });
  assert.equal(await messages(page).count(), 0);
  await page.getByText('您好！我是办事指南智能客服').waitFor();
  await eventually(async () => {
    const sid = await page.evaluate((k) => localStorage.getItem(k), sessionKey());
    assert.ok(sid && sid !== oldSid, 'new session after reset');
  });
  assert.equal(await page.evaluate(() => document.querySelectorAll('.gbw-root').length), 1);
  assert.deepEqual(errors, []);
});
