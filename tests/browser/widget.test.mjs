// End-to-end test of the web chat widget: the real calfbot server, Debian's
// headless Chromium driven by playwright-core, axe-core for accessibility.
//
//   CALFBOT_BIN=/path/to/calfbot node --test widget.test.mjs
//
// Environment:
//   CALFBOT_BIN           the calfbot executable (started as `calfbot serve`)
//   CALFBOT_URL           instead of starting calfbot, test a server already running here
//   CALFBOT_BROWSER_OUT   folder for the screenshots (default: a new temporary folder)
//   CHROMIUM              the browser (default /usr/bin/chromium)
//
// Run by tests/browser/run, which installs Chromium and the npm packages first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'calfbot-browser-'));
const OUT = process.env.CALFBOT_BROWSER_OUT || path.join(TMP, 'screenshots');
fs.mkdirSync(OUT, { recursive: true });

const STEP_TIMEOUT = 15_000;   // one bot reply
const MAX_QUESTIONS = 60;      // a conversation that goes on longer is a failure

let server = null;             // the calfbot child process
let serverEnv = null;
let serverLog = '';
let base = '';                 // http://127.0.0.1:PORT/
let browser = null;
let clinic = null;             // a page on another origin that embeds the widget

// ----------------------------------------------------------------- set-up

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const end = Date.now() + ms;
  let last = null;
  while (Date.now() < end) {
    if (server && server.exitCode !== null) break;
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = new Error('HTTP ' + r.status);
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`calfbot did not answer at ${url} (${last && last.message})\n--- calfbot output ---\n${serverLog}`);
}

async function startCalfbot() {
  if (process.env.CALFBOT_URL) {
    base = new URL('/', process.env.CALFBOT_URL).href;
    return;
  }
  const bin = process.env.CALFBOT_BIN;
  assert.ok(bin, 'set CALFBOT_BIN to the calfbot executable (or CALFBOT_URL to a running server)');
  assert.ok(fs.existsSync(bin), `no calfbot executable at ${bin}`);
  const port = await freePort();
  const clinicPort = await freePort();
  // calfbot reads every CALFBOT_* variable as configuration: pass only ours
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALFBOT_')));
  Object.assign(env, {
    CALFBOT_SERVER__HOST: '127.0.0.1',
    CALFBOT_SERVER__PORT: String(port),
    CALFBOT_STORE__PATH: path.join(TMP, 'calfbot.db'),
    // the clinic page below embeds the widget from another origin
    CALFBOT_SERVER__ALLOWED_ORIGINS: `http://127.0.0.1:${clinicPort},http://localhost:${clinicPort}`,
    // The scripted patient answers every 80 ms or so, a person every few
    // seconds: the default flood limit (5 a second, 10 at once, per
    // connection) refused some of its answers after a reconnect. The limit
    // itself is tested in tests/adapters.
    CALFBOT_SERVER__MESSAGES_PER_SECOND: '200',
    CALFBOT_SERVER__MESSAGE_BURST: '200',
  });
  serverEnv = env;
  base = `http://127.0.0.1:${port}/`;
  await spawnCalfbot();
  return clinicPort;
}

async function spawnCalfbot() {
  server = spawn(process.env.CALFBOT_BIN, ['serve'], { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  await waitForHttp(base, 20_000);
}

async function stopCalfbot() {
  if (!server || server.exitCode !== null) return;
  const s = server;
  await new Promise((r) => {
    const t = setTimeout(() => { s.kill('SIGKILL'); }, 5000);
    s.on('exit', () => { clearTimeout(t); r(); });
    s.kill('SIGTERM');
  });
}

// A stand-in for a clinic's own website on another origin (another port),
// with nothing but the one line of embed code.
function startClinicSite(port) {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Example Clinic</title></head>
<body><main><h1>Example Clinic</h1><p>Opening hours: Monday to Friday, 8am to 6pm.</p></main>
<script src="${base}widget.js" defer></script></body></html>`;
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
    });
    s.listen(port || 0, '127.0.0.1', () => resolve(s));
  });
}

before(async () => {
  const clinicPort = await startCalfbot();
  clinic = await startClinicSite(clinicPort);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright-core gives every launch a new, empty user-data-dir of its own
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (clinic) clinic.close();
  await stopCalfbot();
  console.log(`screenshots: ${OUT}`);
  if (!process.env.CALFBOT_BROWSER_OUT) {
    // keep the screenshots, drop the database
    for (const f of fs.readdirSync(TMP)) if (f.startsWith('calfbot.db')) fs.rmSync(path.join(TMP, f));
  }
});

// ----------------------------------------------------------------- helpers

async function newPage(options = {}) {
  // bypassCSP: axe-core is injected as an inline script
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.on('pageerror', (e) => { page.errors.push(e); });
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  page.errors = [];
  page.consoleErrors = [];
  return page;
}

const host = (page) => page.locator('.calfbot-widget');
const w = (page, selector) => page.locator(`.calfbot-widget ${selector}`);

async function state(page) {
  return page.evaluate(() => {
    const h = document.querySelector('.calfbot-widget');
    return h ? { state: h.dataset.state, seq: Number(h.dataset.seq || 0), slot: h.dataset.slot || '' } : null;
  });
}

// Waits until the widget shows a question to answer (or the outcome) that
// came after message number afterSeq.
async function settled(page, afterSeq = -1) {
  try {
    await page.waitForFunction((after) => {
      const h = document.querySelector('.calfbot-widget');
      if (!h) return false;
      const s = h.dataset.state;
      return (s === 'ready' || s === 'finished') && Number(h.dataset.seq || 0) > after;
    }, afterSeq, { timeout: STEP_TIMEOUT });
  } catch (e) {
    // say what the widget showed and what the server said, so that a
    // failure in CI can be understood from its output alone
    const seen = await page.evaluate(() => {
      const h = document.querySelector('.calfbot-widget');
      if (!h || !h.shadowRoot) return null;
      const lines = [...h.shadowRoot.querySelectorAll('.cb-log .cb-msg')].slice(-6)
        .map((m) => m.className + ': ' + m.textContent.trim().slice(0, 120));
      const status = h.shadowRoot.querySelector('.cb-status');
      return { data: { ...h.dataset }, status: status ? status.textContent : '', last: lines };
    }).catch((x) => 'page not readable: ' + x.message);
    throw new Error(`${e.message}\nwaiting for a reply after message ${afterSeq}; the widget shows ${JSON.stringify(seen, null, 1)}` +
      `\npage errors: ${page.errors.map(String).join(' | ')}` +
      `\n--- calfbot output (last 4000 characters) ---\n${serverLog.slice(-4000)}`);
  }
  return state(page);
}

async function questionText(page) {
  return (await w(page, '.cb-log .cb-bot p').last().textContent()).trim();
}

async function shot(page, name, locator) {
  const file = path.join(OUT, name);
  if (locator) await locator.screenshot({ path: file, animations: 'disabled' });
  else await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}

// The whole widget, grown to show its whole conversation (the result card
// is taller than the widget's scrolling log).
async function shotFull(page, name) {
  const height = await page.evaluate(() => {
    const h = document.querySelector('.calfbot-widget');
    const root = h.shadowRoot.querySelector('.cb-root');
    const log = h.shadowRoot.querySelector('.cb-log');
    return root.offsetHeight - log.clientHeight + log.scrollHeight + 4;
  });
  const before = page.viewportSize();
  await page.setViewportSize({ width: before.width, height: Math.min(12000, height + 200) });
  await page.evaluate((px) => document.querySelector('.calfbot-widget').style.setProperty('--cb-height', px + 'px'), height);
  await shot(page, name, host(page));
  await page.evaluate(() => document.querySelector('.calfbot-widget').style.removeProperty('--cb-height'));
  await page.setViewportSize(before);
}

async function axeCheck(page, label) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
    }));
  });
  for (const v of result) console.log(`axe [${label}] ${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`);
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `axe found serious or critical problems (${label})`);
  return result;
}

// Sends the typed text through the widget's free-text box.
async function type(page, text) {
  const input = w(page, '.cb-compose input');
  await input.fill(text);
  await input.press('Enter');
}

// Answers the current question the way the scripted patient would.
async function answer(page, slot, policy) {
  const area = w(page, '.cb-answer');
  const type_ = await area.getAttribute('data-answer-type').catch(() => null);
  const how = policy[slot];
  if (typeof how === 'function') return how(page);
  if (type_ === 'multi_choice') {
    const ids = how ? how.split(',') : ['none'];
    let chose = false;
    for (const id of ids) {
      const b = area.locator(`button[data-choice="${id}"]`);
      if (await b.count()) { await b.click(); chose = true; }
    }
    if (!chose) await area.locator('button.cb-choice').first().click();
    await area.locator('button.cb-done').click();
    return;
  }
  if (type_ === 'yes_no' || type_ === 'single_choice') {
    const id = how || (type_ === 'yes_no' ? 'no' : null);
    const b = id ? area.locator(`button[data-choice="${id}"]`) : area.locator('button.cb-choice').first();
    await b.click();
    return;
  }
  if (type_ === 'number') {
    const value = how || '5';
    const b = area.locator(`button.cb-num[data-choice="${value}"]`);
    if (await b.count()) return b.click();
    return type(page, value);  // other numbers (an age) are typed
  }
  return type(page, how || 'not sure');
}

// Answers questions until the outcome; returns the slots asked.
async function converse(page, policy, { stopAt } = {}) {
  const asked = [];
  let s = await state(page);
  for (let i = 0; i < MAX_QUESTIONS; i += 1) {
    if (s.state === 'finished') return asked;
    if (stopAt && await stopAt(s, asked)) return asked;
    asked.push(s.slot);
    await answer(page, s.slot, policy);
    s = await settled(page, s.seq);
  }
  throw new Error('no outcome after ' + MAX_QUESTIONS + ' questions: ' + asked.join(' '));
}

// ----------------------------------------------------------------- the tests

// The scripted patient of the first conversation: a runner with a torn calf
// muscle. Buttons for most answers, the leg picture for where, typed text for
// when, the 0-10 row for how bad.
const RUNNER = {
  who: 'myself',
  sex: async (page) => {
    // by keyboard: focus the button and press Enter
    const { seq } = await state(page);
    const b = w(page, '.cb-answer button[data-choice="male"]');
    await b.focus();
    await page.keyboard.press('Enter');
    // the focus moves on to the next question, so the keyboard user can go on
    await settled(page, seq);
    const focused = await page.evaluate(() => {
      const a = document.querySelector('.calfbot-widget').shadowRoot.activeElement;
      return a ? (a.closest('.cb-answer') ? 'answer' : a.closest('.cb-compose') ? 'compose' : a.className) : null;
    });
    assert.ok(focused === 'answer' || focused === 'compose', `focus after a keyboard answer: ${focused}`);
  },
  age: '34',
  side: 'right',
  location: async (page) => {
    const area = w(page, '.cb-answer');
    await area.locator('svg [data-region="mid_calf"]').click();
    await area.locator('svg [data-region="inner"][data-view="back"]').click();
    // the picture and the buttons show the same choices
    assert.equal(await area.locator('button[data-choice="mid_calf"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await area.locator('button[data-choice="inner"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await area.locator('svg .cb-region.cb-on').count(), 3);  // inner is in both views
    await shot(page, '02-leg-picture.png', host(page));
    await area.locator('button.cb-done').click();
  },
  pe_screen: 'none',
  onset: 'sudden',
  duration: async (page) => type(page, 'it started yesterday evening'),
  during_sport: 'yes',
  heard_pop: 'no',
  character: 'sharp',
  severity: '6',
  runner: 'yes',
  training_increase: 'yes',
  cannot_bear_weight: 'no',
  vte_risks: 'none',
  vascular_risks: 'none',
  complaint: async (page) => type(page, 'pain in my calf'),
};

test('a whole conversation: buttons, the leg picture, typed text, a reload, the outcome', async () => {
  // the widget under test is the one in this tree (calfbot embeds it at build time)
  const served = await (await fetch(new URL('widget.js', base))).text();
  const sourceUrl = new URL('../../adapters/web/static/widget.js', import.meta.url);
  const source = fs.existsSync(sourceUrl) ? fs.readFileSync(sourceUrl, 'utf8') : served;
  if (served !== source) console.log('warning: calfbot serves another widget.js than adapters/web/static/widget.js: rebuild calfbot');

  const page = await newPage();
  await page.goto(base);
  let s = await settled(page);
  assert.equal(s.slot, 'complaint', 'the first question asks for the complaint in the patient\'s words');
  assert.match(await page.title(), /calf/i);
  await w(page, '.cb-compose input').waitFor();
  await shot(page, '01-first-question.png');
  await axeCheck(page, 'first question');

  await type(page, 'I felt a sudden sharp pain in my right calf while sprinting for the bus');
  s = await settled(page, s.seq);
  // the patient's words are in the log, and the bot moved on
  assert.ok(await w(page, '.cb-log .cb-me', ).filter({ hasText: 'sprinting for the bus' }).count());
  assert.notEqual(s.slot, 'complaint');

  // answer a few questions, then reload in the middle of the conversation
  const first = await converse(page, RUNNER, { stopAt: (_s, asked) => asked.length >= 4 });
  const before = await state(page);
  const beforeText = await questionText(page);
  await page.reload();
  const after = await settled(page);
  assert.equal(after.slot, before.slot, 'after a reload the same question is asked');
  assert.equal(await questionText(page), beforeText);
  assert.ok(await w(page, '.cb-log .cb-me').filter({ hasText: 'sprinting for the bus' }).count(),
            'the earlier answers are still shown after the reload');
  await shot(page, '03-after-reload.png');

  // the server restarts: the widget says so, reconnects by itself and resumes
  if (server) {
    const slot = (await state(page)).slot;
    await stopCalfbot();
    const status = w(page, '.cb-status');
    await status.filter({ hasText: /connection lost/i }).waitFor({ timeout: STEP_TIMEOUT });
    await shot(page, '04-connection-lost.png');
    await spawnCalfbot();
    await page.waitForFunction(() => document.querySelector('.calfbot-widget').dataset.state === 'ready',
                               null, { timeout: 40_000 });
    assert.equal((await state(page)).slot, slot, 'after the reconnect the same question stands');
    assert.equal((await status.textContent()).trim(), '', 'the connection message goes away');
  }

  const rest = await converse(page, RUNNER);
  const asked = [...first, ...rest];
  assert.ok(asked.includes('location'), 'the leg picture was used: ' + asked.join(' '));

  const card = w(page, '.cb-card');
  await card.waitFor();
  const triage = await card.getAttribute('data-triage');
  assert.ok(['soon', 'self_care', 'urgent'].includes(triage), `a calf strain is not an emergency (got ${triage})`);
  assert.equal(await w(page, '.cb-banner .cb-banner-box').count(), 0, 'no emergency banner for a strain');
  const causes = card.locator('.cb-causes li');
  assert.ok(await causes.count() >= 3, 'the likely causes are listed');
  assert.match(await causes.first().textContent(), /\d+%|under 1%/, 'each cause has a percentage');
  const top = await causes.first().getAttribute('data-condition');
  assert.match(top, /strain|plantaris|rupture|contusion|tendin/, `a runner's sudden sharp pain ranks a muscle or tendon injury first (got ${top})`);
  assert.ok(await card.locator('h4', { hasText: 'Get help at once if' }).count(), 'safety-netting advice is shown');
  assert.ok((await card.locator('.cb-disclaimer').textContent()).length > 40, 'the disclaimer is shown');
  // the result takes the focus, for keyboard and screen reader users
  assert.equal(await page.evaluate(() => document.querySelector('.calfbot-widget').shadowRoot.activeElement?.tagName), 'H3');
  await shot(page, '05-outcome.png', host(page));
  await shotFull(page, '05-outcome-whole-conversation.png');
  await axeCheck(page, 'outcome');
  assert.deepEqual(page.errors.map(String), [], 'no script errors on the page');
  assert.deepEqual(page.consoleErrors, [], 'no errors in the console (missing files, the Content-Security-Policy)');
  console.log(`conversation 1: ${asked.length + 1} questions, triage ${triage}, most likely ${top}`);
  await page.context().close();
});

test('chest pain and breathlessness: the emergency banner with a call link appears and stays', async () => {
  const page = await newPage();
  await page.goto(base);
  let s = await settled(page);
  await type(page, 'my left calf is swollen and hot and since this morning I am short of breath with chest pain');
  s = await settled(page, s.seq);
  const banner = w(page, '.cb-banner .cb-banner-box');
  // Every message is screened for red flags, so the typed words should do;
  // if they are not understood, the patient ticks the same on the warning-signs
  // question (pe_screen), which must escalate.
  let via = 'typed text';
  if (!(await banner.count())) {
    via = 'the warning-signs buttons';
    await converse(page, { who: 'myself', age: '45', sex: 'female', side: 'left', swelling: 'yes',
                           pe_screen: 'breathless,chest_pain' },
                   { stopAt: async () => (await banner.count()) > 0 });
  }
  console.log('emergency banner after ' + via);
  await banner.waitFor({ timeout: STEP_TIMEOUT });
  assert.equal(await banner.getAttribute('data-level'), 'emergency');
  assert.equal(await w(page, '.cb-banner').getAttribute('role'), 'alert', 'the banner is announced at once');
  const call = banner.locator('a[href^="tel:"]');
  assert.equal(await call.count(), 1, 'the banner has a tap-to-call link');
  assert.match(await call.getAttribute('href'), /^tel:[0-9+]+$/);
  assert.ok(await call.isVisible());

  // after an emergency the outcome follows straight away
  const card = w(page, '.cb-card');
  await card.waitFor({ timeout: STEP_TIMEOUT });
  assert.equal(await card.getAttribute('data-triage'), 'emergency');
  assert.ok(await banner.isVisible(), 'the banner stays after the outcome');
  await shot(page, '06-emergency.png');
  // the patient may still add something; the banner stays
  const seq = (await state(page)).seq;
  await type(page, 'thank you, I will call now');
  await settled(page, seq).catch(() => {});
  assert.ok(await banner.isVisible(), 'the banner stays after more messages');
  assert.equal(await banner.getAttribute('data-level'), 'emergency');
  await axeCheck(page, 'emergency');

  // and it stays after a reload
  await page.reload();
  await settled(page);
  await banner.waitFor({ timeout: STEP_TIMEOUT });
  assert.equal(await banner.getAttribute('data-level'), 'emergency');
  assert.equal(await banner.locator('a[href^="tel:"]').count(), 1);
  await shot(page, '07-emergency-after-reload.png');
  assert.deepEqual(page.errors.map(String), [], 'no script errors on the page');

  // a new tab of the same browser (no transcript of its own) gets the whole
  // conversation replayed by the server, banner and result included
  const tab = await page.context().newPage();
  await tab.goto(base);
  await settled(tab);
  const tabBanner = w(tab, '.cb-banner .cb-banner-box');
  await tabBanner.waitFor({ timeout: STEP_TIMEOUT });
  assert.equal(await tabBanner.getAttribute('data-level'), 'emergency');
  assert.equal(await w(tab, '.cb-card').first().getAttribute('data-triage'), 'emergency');
  await page.context().close();
});

test('a phone-sized screen (390 x 844): fits, tappable, accessible', async () => {
  const page = await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
                               reducedMotion: 'reduce' });
  await page.goto(base);
  let s = await settled(page);
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(await fits(), 'no sideways scrolling');
  const box = await host(page).boundingBox();
  assert.ok(box.width <= 390 && box.x >= 0, 'the widget fits the screen width');
  await type(page, 'my calf hurts when I walk');
  s = await settled(page, s.seq);
  // answer with taps until the leg picture shows
  await converse(page, { who: 'myself', age: '58', sex: 'female', side: 'left' },
                 { stopAt: (st) => st.slot === 'location' || st.slot === 'pe_screen' });
  s = await state(page);
  if (s.slot === 'location') {
    const region = w(page, '.cb-answer svg [data-region="upper_calf"]');
    await region.scrollIntoViewIfNeeded();
    await region.tap();
    assert.equal(await w(page, '.cb-answer button[data-choice="upper_calf"]').getAttribute('aria-pressed'), 'true');
  }
  assert.ok(await fits(), 'no sideways scrolling with the answer controls shown');
  for (const b of await w(page, '.cb-answer button').all()) {
    const bb = await b.boundingBox();
    if (bb) assert.ok(bb.height >= 24 && bb.x >= 0 && bb.x + bb.width <= 390, 'buttons are on screen and big enough to tap');
  }
  const send = await w(page, '.cb-compose button').boundingBox();
  assert.ok(send.x + send.width <= 390, 'the Send button is on screen');
  await host(page).scrollIntoViewIfNeeded();
  await shot(page, '08-phone-widget.png', host(page));
  await page.screenshot({ path: path.join(OUT, '09-phone-viewport.png'), animations: 'disabled' });
  await axeCheck(page, 'phone');
  await page.context().close();
});

test('a clinic site on another origin embeds widget.js: launcher button, chat from calfbot', async () => {
  const page = await newPage({ viewport: { width: 1280, height: 800 } });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const clinicUrl = `http://127.0.0.1:${clinic.address().port}/`;
  await page.goto(clinicUrl);
  const launcher = w(page, 'button.cb-launcher');
  await launcher.waitFor();
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  await launcher.click();
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  const s = await settled(page);
  assert.equal(s.slot, 'complaint');
  // keyboard: the text box has the focus; Escape closes and gives the focus back
  await page.keyboard.type('my calf aches');
  await page.keyboard.press('Enter');
  await settled(page, s.seq);
  await shot(page, '10-embedded.png');
  await page.keyboard.press('Escape');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  // every asset came from the clinic's page or from calfbot: no CDN
  const origins = new Set(requests.map((u) => new URL(u).origin));
  for (const o of origins) {
    assert.ok(o === new URL(clinicUrl).origin || o === new URL(base).origin, `unexpected request to ${o}`);
  }
  await axeCheck(page, 'embedded');
  await page.context().close();
});
