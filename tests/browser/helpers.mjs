// What the browser tests share: the calfbot server and its command line, the
// headless Chromium, and the scripted patient that answers the widget.
//
// Environment (read by every test file):
//   CALFBOT_BIN           the calfbot executable (started as `calfbot serve`)
//   CALFBOT_URL           instead of starting calfbot, test a server already running here
//   CALFBOT_BROWSER_OUT   folder for the screenshots (default: a new temporary folder)
//   CHROMIUM              the browser (default /usr/bin/chromium)
//
// Each test file runs in a process of its own (node --test), so the state
// below (one server, one browser) belongs to one file.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'calfbot-browser-'));
export const OUT = process.env.CALFBOT_BROWSER_OUT || path.join(TMP, 'screenshots');
fs.mkdirSync(OUT, { recursive: true });

export const STEP_TIMEOUT = 15_000;   // one bot reply
const MAX_QUESTIONS = 60;             // a conversation that goes on longer is a failure

// The server under test. `process` is null when CALFBOT_URL names a server
// that is already running (then there is no command line and no log either).
export const calfbot = {
  base: '',        // http://127.0.0.1:PORT/
  env: null,       // the whole environment of `calfbot serve` and of the command line
  process: null,   // the child process
  log: '',         // everything it wrote
};
let browser = null;

// ----------------------------------------------------------------- calfbot

export function freePort() {
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
    if (calfbot.process && calfbot.process.exitCode !== null) break;
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = new Error('HTTP ' + r.status);
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`calfbot did not answer at ${url} (${last && last.message})\n--- calfbot output ---\n${calfbot.log}`);
}

// Starts `calfbot serve` on a free port with a database of its own.
// `settings(port)` gives more CALFBOT_* settings. Returns false when
// CALFBOT_URL names a running server instead.
export async function startCalfbot(settings = () => ({})) {
  if (process.env.CALFBOT_URL) {
    calfbot.base = new URL('/', process.env.CALFBOT_URL).href;
    return false;
  }
  const bin = process.env.CALFBOT_BIN;
  assert.ok(bin, 'set CALFBOT_BIN to the calfbot executable (or CALFBOT_URL to a running server)');
  assert.ok(fs.existsSync(bin), `no calfbot executable at ${bin}`);
  const port = await freePort();
  // calfbot reads every CALFBOT_* variable as configuration: pass only ours
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALFBOT_')));
  Object.assign(env, {
    CALFBOT_SERVER__HOST: '127.0.0.1',
    CALFBOT_SERVER__PORT: String(port),
    CALFBOT_STORE__PATH: path.join(TMP, 'calfbot.db'),
    // The scripted patient answers every 80 ms or so, a person every few
    // seconds: the default flood limit (5 a second, 10 at once, per
    // connection) refused some of its answers after a reconnect. The limit
    // itself is tested in tests/adapters.
    CALFBOT_SERVER__MESSAGES_PER_SECOND: '200',
    CALFBOT_SERVER__MESSAGE_BURST: '200',
  }, settings(port));
  calfbot.env = env;
  calfbot.base = `http://127.0.0.1:${port}/`;
  await spawnCalfbot();
  return true;
}

export async function spawnCalfbot() {
  const child = spawn(process.env.CALFBOT_BIN, ['serve'], { env: calfbot.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { calfbot.log += d; });
  child.stderr.on('data', (d) => { calfbot.log += d; });
  calfbot.process = child;
  await waitForHttp(calfbot.base, 20_000);
}

export async function stopCalfbot() {
  const s = calfbot.process;
  if (!s || s.exitCode !== null) return;
  await new Promise((r) => {
    const t = setTimeout(() => { s.kill('SIGKILL'); }, 5000);
    s.on('exit', () => { clearTimeout(t); r(); });
    s.kill('SIGTERM');
  });
}

// Runs the calfbot command line (`calfbot keys ...`, `calfbot link ...`)
// with the server's own settings, so on the server's database. Resolves to
// its standard output; rejects with everything it said when it fails.
export function calfbotCli(args) {
  assert.ok(calfbot.env, 'the command line needs a calfbot started by the test, not CALFBOT_URL');
  return new Promise((resolve, reject) => {
    execFile(process.env.CALFBOT_BIN, args, { env: calfbot.env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`calfbot ${args.join(' ')}: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

// ----------------------------------------------------------------- the browser

export async function launchBrowser() {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright-core gives every launch a new, empty user-data-dir of its own
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

// Closes the browser and the server; keeps the screenshots, drops the database.
export async function tearDown() {
  if (browser) await browser.close();
  await stopCalfbot();
  console.log(`screenshots: ${OUT}`);
  if (!process.env.CALFBOT_BROWSER_OUT) {
    for (const f of fs.readdirSync(TMP)) if (f.startsWith('calfbot.db')) fs.rmSync(path.join(TMP, f));
  }
}

// A page in a new browser context: its own cookies and storage, like
// another browser.
export async function newPage(options = {}) {
  // bypassCSP: axe-core is injected as an inline script
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.on('pageerror', (e) => { page.errors.push(e); });
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  page.errors = [];
  page.consoleErrors = [];
  return page;
}

// ----------------------------------------------------------------- the widget

export const host = (page) => page.locator('.calfbot-widget');
export const w = (page, selector) => page.locator(`.calfbot-widget ${selector}`);

export async function state(page) {
  return page.evaluate(() => {
    const h = document.querySelector('.calfbot-widget');
    return h ? { state: h.dataset.state, seq: Number(h.dataset.seq || 0), slot: h.dataset.slot || '' } : null;
  });
}

// Waits until the widget shows a question to answer (or the outcome) that
// came after message number afterSeq.
export async function settled(page, afterSeq = -1) {
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
      `\n--- calfbot output (last 4000 characters) ---\n${calfbot.log.slice(-4000)}`);
  }
  return state(page);
}

export async function questionText(page) {
  return (await w(page, '.cb-log .cb-bot p').last().textContent()).trim();
}

export async function shot(page, name, locator) {
  const file = path.join(OUT, name);
  if (locator) await locator.screenshot({ path: file, animations: 'disabled' });
  else await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}

// The whole widget, grown to show its whole conversation (the result card
// is taller than the widget's scrolling log).
export async function shotFull(page, name) {
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

export async function axeCheck(page, label) {
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
export async function type(page, text) {
  const input = w(page, '.cb-compose input');
  await input.fill(text);
  await input.press('Enter');
}

// Answers the current question the way the scripted patient would: policy
// maps a slot to a choice id (several, comma-separated, for multiple
// choice), a number, typed text, or a function of the page. A slot not in
// the policy gets "no", "none", the first choice, 5, or "not sure".
export async function answer(page, slot, policy) {
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

// Answers questions until the outcome (or until stopAt(state, asked) says
// so); returns the slots asked.
export async function converse(page, policy, { stopAt } = {}) {
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
