// End-to-end test of the clinic staff console (docs/console.md) in headless
// Chromium, 390 px wide: a member of staff logs in; a patient in a second
// browser context opens a pre-visit link and escalates, and the console
// shows it (visibly, with a tone) within a second; the intake opens on its
// summary, transcript, printable report and FHIR download; wrong passwords
// lock an account out; a POST without the CSRF token is refused; another
// clinic's staff cannot read the intake by id; a patient asks for a person,
// staff take over, both write, and staff hand back to the bot, which asks
// its question again (docs/console.md, "Handoff"). axe on every console page.
//
//   CALFBOT_BIN=/path/to/calfbot node --test console.test.mjs
//
// Run by tests/browser/run, which installs Chromium and the npm packages first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  calfbot, startCalfbot, calfbotCli, launchBrowser, tearDown, newPage, settled, shot, axeCheck, type,
} from './helpers.mjs';

const skip = process.env.CALFBOT_URL ? 'needs a calfbot started by the test (the command line uses its database)' : false;
const PASSWORD = 'correct horse battery staple';
const PHONE = { viewport: { width: 390, height: 844 } };

let consolePage = null;
let intake = null;

// `calfbot staff create`, the password on stdin as an operator would give it.
function createStaff(email, name, clinic) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.CALFBOT_BIN,
      ['staff', 'create', '--name', name, '--email', email, '--clinic', clinic], { env: calfbot.env });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(out))));
    child.stdin.end(PASSWORD + '\n');
  });
}

async function logIn(page, email, password) {
  await page.goto(new URL('console', calfbot.base).href);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type="submit"]');
}

before(async () => {
  if (skip) return;
  await startCalfbot((port) => ({
    CALFBOT_CLINIC__PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    CALFBOT_CONSOLE__MAX_FAILED_LOGINS: '3',
  }));
  await createStaff('ann@clinic.example', 'Ann Lee', 'default');
  await createStaff('bob@north.example', 'Bob Stone', 'north');
  await createStaff('cat@clinic.example', 'Cat Reyes', 'default');
  await launchBrowser();
});

after(async () => {
  if (!skip) await tearDown();
});

test('staff log in to the console at 390 px wide; the login and list pages pass axe', { skip }, async () => {
  consolePage = await newPage(PHONE);
  const response = await consolePage.goto(new URL('console', calfbot.base).href);
  assert.equal(response.status(), 200);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  await consolePage.waitForSelector('#login-view:not([hidden])');
  await axeCheck(consolePage, 'console login');
  await shot(consolePage, 'console-01-login.png');

  await consolePage.fill('#email', 'ann@clinic.example');
  await consolePage.fill('#password', PASSWORD);
  await consolePage.click('button[type="submit"]');
  await consolePage.waitForSelector('#list-view:not([hidden])');
  assert.equal(await consolePage.locator('#who').textContent(), 'Ann Lee');
  await consolePage.waitForFunction(() => document.getElementById('live').textContent === 'Live');
  const overflow = await consolePage.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 390, `nothing wider than the screen (${overflow} px)`);
  await axeCheck(consolePage, 'console list');
  assert.deepEqual(consolePage.errors, []);
});

test('a patient in another browser escalates and the console shows it within a second', { skip }, async () => {
  assert.ok(consolePage, 'logged in');
  const quiet = JSON.parse((await calfbotCli(['link', 'create', '--json', '--patient', 'MRN-QUIET'])).trim().split('\n').pop());
  intake = JSON.parse((await calfbotCli(['link', 'create', '--json', '--patient', 'MRN-ESCALATES'])).trim().split('\n').pop());
  // Links made on the command line are not pushed (no conversation changed
  // yet): a reload lists them, and the click lets the page play sound again.
  await consolePage.reload();
  await consolePage.waitForFunction((n) => document.querySelectorAll('#intakes li').length === n, 2);
  await consolePage.click('#list-title');
  assert.ok(quiet.id);

  const patient = await newPage(PHONE);
  await patient.goto(intake.url);
  await settled(patient);
  await type(patient, 'my left calf is swollen and now I have chest pain and I am short of breath');
  await patient.waitForFunction(() => {
    const h = document.querySelector('.calfbot-widget');
    return h && h.shadowRoot && /999/.test(h.shadowRoot.querySelector('.cb-log').textContent);
  }, null, { timeout: 15_000 });
  const seen = Date.now();
  await consolePage.waitForSelector('#alert:not([hidden])', { timeout: 1000 });
  const late = Date.now() - seen;
  assert.ok(late <= 1000, `the console showed the escalation ${late} ms after the patient saw it`);
  assert.match(await consolePage.locator('#alert').textContent(), /Emergency.*MRN-ESCALATES/);
  assert.equal(await consolePage.evaluate(() => document.body.dataset.tones), '1', 'one tone played');
  const first = consolePage.locator('#intakes li').first();
  assert.equal(await first.getAttribute('class'), 'emergency', 'the escalated intake is listed first');
  assert.match(await first.textContent(), /MRN-ESCALATES/);
  await shot(consolePage, 'console-02-escalated.png');
  await axeCheck(consolePage, 'console list with an alert');
});

test('the intake opens on its summary, transcript, printable report and FHIR download', { skip }, async () => {
  assert.ok(intake, 'the patient escalated');
  await consolePage.locator('#intakes li').first().locator('button').click();
  await consolePage.waitForSelector('#detail-view:not([hidden])');
  await consolePage.waitForFunction(() => document.querySelectorAll('#transcript li').length > 0);
  assert.match(await consolePage.locator('#detail-title').textContent(), /MRN-ESCALATES/);
  const summary = await consolePage.locator('#summary').innerText();
  assert.match(summary, /Triage/);
  assert.match(summary, /Red flags/);
  assert.match(summary, /Likely causes/);
  assert.match(summary, /Wells score/);
  assert.match(await consolePage.locator('#transcript').innerText(), /chest pain and I am short of breath/);
  const report = await consolePage.locator('#report-link').getAttribute('href');
  const fhir = await consolePage.locator('#fhir-link').getAttribute('href');
  const fetched = await consolePage.evaluate(async ([a, b]) => {
    const r1 = await fetch(a), r2 = await fetch(b);
    return [r1.status, r1.headers.get('content-type'), r2.status, (await r2.json()).resourceType];
  }, [report, fhir]);
  assert.deepEqual(fetched, [200, 'text/html; charset=utf-8', 200, 'QuestionnaireResponse']);
  await shot(consolePage, 'console-03-intake.png');
  await axeCheck(consolePage, 'console intake');
  assert.deepEqual(consolePage.errors, []);
});

test('a POST without the CSRF token is refused', { skip }, async () => {
  const r = await consolePage.evaluate(async () => {
    const res = await fetch('/console/logout', { method: 'POST' });
    return [res.status, (await res.json()).code];
  });
  assert.deepEqual(r, [403, 'csrf_invalid']);
  const still = await consolePage.evaluate(async () => (await fetch('/console/api/session')).status);
  assert.equal(still, 200, 'the session lives on');
});

test('another clinic\'s staff cannot read the intake by id', { skip }, async () => {
  const bob = await newPage(PHONE);
  await logIn(bob, 'bob@north.example', PASSWORD);
  await bob.waitForSelector('#list-view:not([hidden])');
  await bob.waitForSelector('#empty:not([hidden])');
  const r = await bob.evaluate(async (id) => {
    const out = [];
    for (const tail of ['', '/summary', '/transcript', '/fhir', '/summary.html']) {
      const res = await fetch('/console/api/intakes/' + id + tail);
      out.push(res.status);
    }
    return out;
  }, intake.id);
  assert.deepEqual(r, [404, 404, 404, 404, 404]);
});

test('wrong passwords lock the account out, the right one too, and the page says so', { skip }, async () => {
  const page = await newPage(PHONE);
  for (let i = 0; i < 3; i++) {
    await logIn(page, 'cat@clinic.example', 'not the password ' + i);
    await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
    assert.match(await page.locator('#login-error').textContent(), /do not match/);
  }
  await logIn(page, 'cat@clinic.example', PASSWORD);
  await page.waitForFunction(() => /locked/.test(document.getElementById('login-error').textContent));
  assert.ok(await page.locator('#list-view').isHidden());
  await shot(page, 'console-04-locked.png');
  await axeCheck(page, 'console locked');
});

test('a patient asks for a person; staff take over, both write, and hand back to the bot', { skip }, async () => {
  const link = JSON.parse((await calfbotCli(['link', 'create', '--json', '--patient', 'MRN-PERSON'])).trim().split('\n').pop());
  const patient = await newPage(PHONE);
  const host = () => patient.evaluate(() => ({ ...document.querySelector('.calfbot-widget').dataset }));
  const logHas = (re) => patient.waitForFunction((src) => {
    const h = document.querySelector('.calfbot-widget');
    return h && h.shadowRoot && new RegExp(src).test(h.shadowRoot.querySelector('.cb-log').textContent);
  }, re.source, { timeout: 15_000 });
  await patient.goto(link.url);
  await settled(patient);
  const before = Number((await host()).seq);  // read before typing: the reply may come at once
  await type(patient, 'my right calf aches after running');
  await settled(patient, before);
  await patient.getByRole('button', { name: 'Talk to someone' }).click();
  await logHas(/asked for a member of the clinic's staff/);
  await settled(patient);
  const slot = (await host()).slot;
  assert.ok(slot, 'the bot still asks while nobody has come');

  // The request reaches the console live, and the intake opens on it.
  await consolePage.click('#back');
  const item = consolePage.locator('#intakes li', { hasText: 'MRN-PERSON' });
  await item.locator('.badge.person').waitFor({ timeout: 5000 });
  assert.match(await item.textContent(), /Asks for a person/);
  await item.locator('button').click();
  await consolePage.waitForSelector('#take-over:not([hidden])');
  await axeCheck(consolePage, 'console intake asking for a person');
  await consolePage.click('#take-over');
  await consolePage.waitForSelector('#staff-form:not([hidden])');

  await logHas(/Ann Lee from the clinic has joined/);
  assert.equal((await host()).staff, 'Ann Lee');
  assert.equal((await host()).slot, '', 'no question while staff are in charge');
  await type(patient, 'Is it safe to keep running on it?');
  await consolePage.waitForFunction(() => /keep running on it/.test(document.getElementById('transcript').textContent));
  await consolePage.fill('#staff-text', 'Rest it for a few days; we will call you this afternoon.');
  await consolePage.click('#staff-form button[type="submit"]');
  await logHas(/we will call you this afternoon/);
  const staffLine = await patient.locator('.cb-staff').last().textContent();
  assert.match(staffLine, /Ann Lee \(clinic\)/);
  await shot(patient, 'console-05-patient-with-staff.png');
  await shot(consolePage, 'console-05-staff-in-charge.png');
  await axeCheck(consolePage, 'console intake in charge');

  await consolePage.click('#hand-back');
  await consolePage.waitForSelector('#take-over:not([hidden])');
  await logHas(/handed the conversation back/);
  await patient.waitForFunction((s) => document.querySelector('.calfbot-widget').dataset.slot === s, slot);
  assert.equal((await host()).staff, '');
  const transcript = await consolePage.locator('#transcript').innerText();
  assert.match(transcript, /Ann Lee \(staff\)/);
  assert.match(transcript, /Rest it for a few days/);
  assert.deepEqual(patient.errors, []);
  assert.deepEqual(consolePage.errors, []);
});

test('staff log out', { skip }, async () => {
  await consolePage.click('#back');
  await consolePage.click('#logout');
  await consolePage.waitForSelector('#login-view:not([hidden])');
  const r = await consolePage.evaluate(async () => (await fetch('/console/api/intakes')).status);
  assert.equal(r, 401);
});
