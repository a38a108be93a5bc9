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
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  OUT, STEP_TIMEOUT, calfbot, freePort, startCalfbot, spawnCalfbot, stopCalfbot, launchBrowser, tearDown,
  newPage, host, w, state, settled, questionText, shot, shotFull, axeCheck, type, converse,
} from './helpers.mjs';

let base = '';                 // http://127.0.0.1:PORT/
let clinic = null;             // a page on another origin that embeds the widget

// ----------------------------------------------------------------- set-up

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
  const clinicPort = await freePort();
  await startCalfbot(() => ({
    // the clinic page below embeds the widget from another origin
    CALFBOT_SERVER__ALLOWED_ORIGINS: `http://127.0.0.1:${clinicPort},http://localhost:${clinicPort}`,
  }));
  base = calfbot.base;
  clinic = await startClinicSite(process.env.CALFBOT_URL ? 0 : clinicPort);
  await launchBrowser();
});

after(async () => {
  if (clinic) clinic.close();
  await tearDown();
});

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
  // (widget.js is served joined from its parts, adapters/web/widget/*.js, in name order)
  const served = await (await fetch(new URL('widget.js', base))).text();
  const partsUrl = new URL('../../adapters/web/widget/', import.meta.url);
  const source = fs.existsSync(partsUrl)
    ? fs.readdirSync(partsUrl).filter((f) => f.endsWith('.js')).sort()
        .map((f) => fs.readFileSync(new URL(f, partsUrl), 'utf8')).join('')
    : served;
  if (served !== source) console.log('warning: calfbot serves another widget.js than adapters/web/widget/*.js: rebuild calfbot');

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
  if (calfbot.process) {
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
