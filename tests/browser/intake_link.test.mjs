// End-to-end test of a clinic's pre-visit link (docs/clinic.md): the clinic
// makes an API key and links with the calfbot command line, the patient
// answers through /i/<token> in headless Chromium (leaving half-way and
// coming back in another browser), the clinic reads the result through the
// clinic API, and used, withdrawn, expired and unknown links say so.
//
//   CALFBOT_BIN=/path/to/calfbot node --test intake_link.test.mjs
//
// Environment: as widget.test.mjs (helpers.mjs). It needs a calfbot it
// starts itself (the command line works on the server's database), so it is
// skipped under CALFBOT_URL.
//
// Run by tests/browser/run, which installs Chromium and the npm packages first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  STEP_TIMEOUT, calfbot, startCalfbot, calfbotCli, launchBrowser, tearDown,
  newPage, host, w, state, settled, questionText, shot, shotFull, axeCheck, type, converse,
} from './helpers.mjs';

const skip = process.env.CALFBOT_URL ? 'needs a calfbot started by the test (the command line uses its database)' : false;

// What the patient types: none of it may appear on a page that a used or
// withdrawn link shows.
const COMPLAINT = 'my left calf has ached since I tripped over the garden hose';
const DURATION = 'about nine days, since the garden party';
const PATIENT_REF = 'MRN-4711-TEST';

// The scripted patient: an aching calf after a trip, nothing alarming.
const PATIENT = {
  who: 'myself',
  age: '47',
  sex: 'female',
  side: 'left',
  pe_screen: 'none',
  vte_risks: 'none',
  vascular_risks: 'none',
  onset: 'gradual',
  duration: async (page) => type(page, DURATION),
  complaint: async (page) => type(page, COMPLAINT),
};

let key = '';        // the clinic's API key
let keyId = '';      // its public part, ck_<12 hex>
let intake = null;   // {id, url, expires_at} of the patient's link
let resumedLog = null;  // what the widget showed when the patient came back in another browser

// ----------------------------------------------------------------- helpers

// A request to the clinic API; `key` null sends no Authorization header.
async function api(path, { method = 'GET', body, auth = key } = {}) {
  const headers = {};
  if (auth !== null) headers.authorization = auth.includes(' ') ? auth : `Bearer ${auth}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(new URL(path, calfbot.base), {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* HTML or empty */ }
  return { status: r.status, headers: r.headers, text, json };
}

// Polls the intake until its status is `status`. The status follows the
// conversation through a job that runs about once a second.
async function waitForStatus(id, status, ms = 60_000) {
  const end = Date.now() + ms;
  let last = null;
  while (Date.now() < end) {
    const r = await api(`v1/clinic/intakes/${id}`);
    assert.equal(r.status, 200, r.text);
    last = r.json;
    if (last.status === status) return last;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`intake ${id} did not become ${status}: ${JSON.stringify(last)}\n--- calfbot output (last 4000 characters) ---\n${calfbot.log.slice(-4000)}`);
}

// `calfbot link create --json [args]`: {id, url, expires_at}.
async function createLink(args = []) {
  const out = await calfbotCli(['link', 'create', '--json', ...args]);
  const link = JSON.parse(out.trim().split('\n').pop());
  assert.match(link.id, /^[0-9a-f]{32}$/);
  assert.ok(link.url.startsWith(new URL('i/', calfbot.base).href), `the link is on calfbot's public address: ${link.url}`);
  assert.match(link.url, /\/i\/[A-Za-z0-9_-]{43}$/, 'the token is 256 bits, base64url');
  return link;
}

// Opens a link that can no longer be used and checks its page: the status,
// the heading, no widget, and nothing about the patient.
async function closedLinkPage(url, { status, heading, shotName }) {
  const page = await newPage();
  const response = await page.goto(url);
  assert.equal(response.status(), status, `${url} answers ${status}`);
  const headers = response.headers();
  assert.equal(headers['cache-control'], 'no-store');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.match(await page.locator('h1').textContent(), heading);
  assert.match(await page.title(), heading);
  assert.equal(await page.locator('script').count(), 0, 'no widget, no script');
  assert.equal(await host(page).count(), 0);
  const text = await page.locator('body').innerText();
  for (const words of [COMPLAINT, DURATION, PATIENT_REF, 'garden hose', 'nine days']) {
    assert.ok(!text.includes(words), `the page shows nothing the patient typed or the clinic knows ("${words}")`);
    assert.ok(!(await page.content()).includes(words), `nor does its HTML ("${words}")`);
  }
  assert.match(text, /call 999/, 'the emergency advice is still there');
  await shot(page, shotName);
  return page;
}

// ----------------------------------------------------------------- set-up

before(async () => {
  if (skip) return;
  await startCalfbot((port) => ({
    // links are <public_base_url>/i/<token>: here, this server
    CALFBOT_CLINIC__PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  }));
  await launchBrowser();
});

after(async () => {
  if (!skip) await tearDown();
});

// ----------------------------------------------------------------- the tests

test('the clinic makes an API key and a link with the calfbot command line', { skip }, async () => {
  const out = await calfbotCli(['keys', 'create', '--name', 'browser test reception']);
  const m = out.match(/^api key: (ck_[0-9a-f]{12})\.(\S+)$/m);
  assert.ok(m, `calfbot keys create printed the key: ${out}`);
  [key, keyId] = [`${m[1]}.${m[2]}`, m[1]];
  assert.match(await calfbotCli(['keys', 'list']), new RegExp(`^${keyId} .* active .*browser test reception`, 'm'));

  intake = await createLink(['--patient', PATIENT_REF, '--appointment', '2099-05-01T09:30:00Z', '--expires-in', '48']);
  const r = await api(`v1/clinic/intakes/${intake.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, intake.id);
  assert.equal(r.json.status, 'pending');
  assert.equal(r.json.patient_ref, PATIENT_REF);
  assert.equal(r.json.appointment_at, '2099-05-01T09:30:00Z');
  assert.equal(r.json.expires_at, intake.expires_at);
  assert.equal(r.json.created_by, 'cli');
  assert.equal(r.json.completed_at, null);
  assert.equal(r.json.url, undefined, 'the link is shown only when it is made');
});

test('the patient opens the link, leaves half-way, comes back in another browser and finishes', { skip }, async () => {
  assert.ok(intake, 'the link was made');
  let page = await newPage();
  const response = await page.goto(intake.url);
  assert.equal(response.status(), 200);
  assert.equal(response.headers()['cache-control'], 'no-store');
  assert.equal(response.headers()['referrer-policy'], 'no-referrer');
  // the page is the intake's: its wording, and the widget bound to this intake
  assert.match(await page.title(), /pre-visit questions/i);
  assert.match(await page.locator('h1').textContent(), /Before your appointment/);
  assert.match(await page.locator('.intro').innerText(), /Your clinic has asked you to answer some questions/);
  const script = page.locator('script[src="/widget.js"]');
  assert.equal(await script.getAttribute('data-intake'), intake.id, 'the widget is bound to this intake');
  assert.match(await script.getAttribute('data-session'), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(await page.locator('#calfbot-chat .calfbot-widget').count(), 1, 'the widget sits in the page, not behind a launcher');
  assert.ok(!(await page.content()).includes(PATIENT_REF), 'the page does not show the clinic\'s patient reference');

  let s = await settled(page);
  assert.equal(s.slot, 'complaint', 'the first question asks for the complaint in the patient\'s words');
  await shot(page, 'link-01-intake-page.png');
  await axeCheck(page, 'intake link page');

  await type(page, COMPLAINT);
  s = await settled(page, s.seq);
  assert.notEqual(s.slot, 'complaint');
  const first = await converse(page, PATIENT, { stopAt: (_s, asked) => asked.length >= 4 });
  const before = await state(page);
  const beforeQuestion = await questionText(page);
  const beforeQuestions = await w(page, '.cb-log .cb-bot').count();
  const beforeAnswers = await w(page, '.cb-log .cb-me').allInnerTexts();
  assert.equal(before.state, 'ready');
  // the clinic sees that the patient has started
  await waitForStatus(intake.id, 'in_progress');
  await page.context().close();

  // another browser: no localStorage, no sessionStorage; the link alone
  page = await newPage();
  assert.deepEqual((await page.context().storageState()).origins, [], 'a new browser context has no storage');
  await page.goto(intake.url);
  const after = await settled(page);
  assert.equal(after.slot, before.slot, 'back on the link, the same question is asked');
  assert.equal(await questionText(page), beforeQuestion);
  assert.equal(after.seq, before.seq, 'no message was lost or added');
  assert.equal(await w(page, '.cb-log .cb-bot').count(), beforeQuestions, 'the earlier questions are shown again');
  assert.deepEqual(await w(page, '.cb-log .cb-me').allInnerTexts(), beforeAnswers,
                   'and the patient\'s answers, as they were shown');
  await shot(page, 'link-02-back-in-another-browser.png');
  resumedLog = await w(page, '.cb-log').innerText();

  const rest = await converse(page, PATIENT);
  const asked = [...first, ...rest];
  assert.ok(asked.includes('duration'), 'the patient typed how long it has lasted: ' + asked.join(' '));
  const card = w(page, '.cb-card');
  await card.waitFor({ timeout: STEP_TIMEOUT });
  const triage = await card.getAttribute('data-triage');
  assert.ok(['self_care', 'soon', 'urgent', 'emergency'].includes(triage), `a triage level: ${triage}`);
  await shot(page, 'link-03-outcome.png', host(page));
  await shotFull(page, 'link-03-outcome-whole-conversation.png');
  assert.deepEqual(page.errors.map(String), [], 'no script errors on the page');
  assert.deepEqual(page.consoleErrors, [], 'no errors in the console');
  console.log(`intake ${intake.id}: ${asked.length + 1} questions, triage ${triage}`);
  intake.triage = triage;
  await page.context().close();
});

// A widget with nothing on screen resumes with last_seq 0 and calfbot
// replays the patient's own messages too (docs/protocol.md), so another
// browser shows what the patient answered, not only the questions.
test('back in another browser, the patient\'s earlier answers are shown', { skip }, () => {
  assert.ok(resumedLog !== null, 'the patient came back');
  assert.ok(resumedLog.includes(COMPLAINT),
            `the patient's own words from the first visit are shown again; the widget shows:\n${resumedLog.slice(0, 600)}`);
});

test('the clinic reads the completed intake with its key: summary, printable summary, FHIR, audit', { skip }, async () => {
  assert.ok(intake && intake.triage, 'the patient finished');
  const done = await waitForStatus(intake.id, 'completed');
  assert.equal(done.triage, intake.triage, 'the intake has the triage the patient was shown');
  assert.match(done.completed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(done.links.summary, new URL(`v1/clinic/intakes/${intake.id}/summary`, calfbot.base).href);

  const list = await api('v1/clinic/intakes?status=completed');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.intakes.map((i) => i.id), [intake.id]);

  const summary = await api(`v1/clinic/intakes/${intake.id}/summary`);
  assert.equal(summary.status, 200, summary.text);
  assert.match(summary.headers.get('content-type'), /^application\/json/);
  assert.equal(summary.headers.get('cache-control'), 'no-store');
  const sj = summary.json;
  assert.equal(sj.complete, true);
  assert.equal(sj.triage, intake.triage);
  assert.ok(['self_care', 'soon', 'urgent', 'emergency'].includes(sj.triage));
  assert.deepEqual(sj.complaint, [COMPLAINT], 'the complaint in the patient\'s own words');
  assert.ok(sj.patient_words.includes(COMPLAINT) && sj.patient_words.includes(DURATION),
            `everything the patient typed: ${JSON.stringify(sj.patient_words)}`);
  assert.equal(sj.intake.id, intake.id);
  assert.equal(sj.intake.status, 'completed');
  assert.equal(sj.intake.patient_ref, PATIENT_REF);
  assert.ok(sj.history.length > 0 && sj.causes.length > 0, 'a history and ranked causes');
  assert.ok(sj.questions_asked >= 5);

  const html = await api(`v1/clinic/intakes/${intake.id}/summary.html`);
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type'), /^text\/html/);
  assert.ok(html.text.includes('garden hose'), 'the printable summary has the patient\'s words');

  const fhir = await api(`v1/clinic/intakes/${intake.id}/fhir`);
  assert.equal(fhir.status, 200, fhir.text);
  assert.match(fhir.headers.get('content-type'), /^application\/fhir\+json/);
  const qr = fhir.json;
  assert.equal(qr.resourceType, 'QuestionnaireResponse');
  assert.equal(qr.id, intake.id);
  assert.deepEqual(qr.identifier, { system: new URL('v1/clinic/intakes', calfbot.base).href, value: intake.id },
                   'the response names the intake it answers');
  assert.equal(qr.status, 'completed');
  assert.deepEqual(qr.subject, { identifier: { value: PATIENT_REF } });
  assert.match(qr.questionnaire, /\/v1\/clinic\/fhir\/Questionnaire\/calfbot-intake\|/);
  const complaintItem = qr.item.find((i) => i.linkId === 'complaint');
  assert.equal(complaintItem.answer[0].valueString, COMPLAINT);

  // the Questionnaire it refers to is served where its canonical URL says
  const canonical = qr.questionnaire.split('|')[0];
  const q = await api(new URL(canonical).pathname);
  assert.equal(q.status, 200, q.text);
  assert.equal(q.json.resourceType, 'Questionnaire');
  assert.equal(q.json.url, canonical);

  // every read was recorded under the key's id
  const audit = await api(`v1/clinic/audit?intake=${intake.id}`);
  assert.equal(audit.status, 200, audit.text);
  const actions = audit.json.entries.filter((e) => e.actor === keyId).map((e) => e.action);
  for (const a of ['intake.read', 'intake.summary', 'intake.summary_html', 'intake.fhir']) {
    assert.ok(actions.includes(a), `the audit log has ${a}: ${actions.join(' ')}`);
  }
});

test('the clinic API refuses a request without a valid key (401)', { skip }, async () => {
  assert.ok(intake && key);
  const id = intake.id;
  const cases = [
    ['no key', null],
    ['an empty bearer', 'Bearer '],
    ['another scheme', `Basic ${Buffer.from('clinic:' + key).toString('base64')}`],
    ['a made-up key', 'ck_000000000000.not-a-real-secret'],
    ['the right key id with a wrong secret', `${keyId}.${'A'.repeat(43)}`],
    ['the key without its secret', keyId],
  ];
  for (const [label, auth] of cases) {
    for (const route of [`v1/clinic/intakes/${id}/summary`, `v1/clinic/intakes/${id}/fhir`, 'v1/clinic/intakes']) {
      const r = await api(route, { auth });
      assert.equal(r.status, 401, `${label}: ${route}`);
      assert.equal(r.json.type, 'error');
      assert.equal(r.json.code, 'unauthorized');
      assert.match(r.headers.get('www-authenticate'), /^Bearer/);
      assert.ok(!r.text.includes(COMPLAINT) && !r.text.includes(PATIENT_REF), `${label}: nothing about the patient`);
    }
  }
  const r = await api('v1/clinic/intakes', { method: 'POST', body: {}, auth: null });
  assert.equal(r.status, 401, 'nor can it make a link');
});

test('the used link shows that the questions have been answered, and nothing else', { skip }, async () => {
  assert.ok(intake && intake.triage, 'the patient finished');
  const page = await closedLinkPage(intake.url, {
    status: 410, heading: /These questions have been answered/, shotName: 'link-04-already-completed.png',
  });
  await axeCheck(page, 'completed link');
  await page.context().close();
  // a link checker's HEAD gets the same answer, with no body
  const head = await fetch(intake.url, { method: 'HEAD' });
  assert.equal(head.status, 410);
});

test('a withdrawn link (by the API, and by the command line) shows that it is no longer valid', { skip }, async () => {
  // made and withdrawn through the clinic API, after the patient had begun
  const made = await api('v1/clinic/intakes', { method: 'POST', body: { patient_ref: PATIENT_REF, expires_in_hours: 2 } });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.status, 'pending');
  assert.equal(made.json.created_by, keyId);
  const begun = { id: made.json.id, url: made.json.url };
  assert.ok(begun.url.startsWith(new URL('i/', calfbot.base).href), begun.url);
  const page = await newPage();
  await page.goto(begun.url);
  const s = await settled(page);
  await type(page, COMPLAINT);
  await settled(page, s.seq);
  await waitForStatus(begun.id, 'in_progress');
  const revoked = await api(`v1/clinic/intakes/${begun.id}/revoke`, { method: 'POST' });
  assert.equal(revoked.status, 200, revoked.text);
  assert.equal(revoked.json.status, 'revoked');
  const again = await api(`v1/clinic/intakes/${begun.id}/revoke`, { method: 'POST' });
  assert.equal(again.status, 400, 'a withdrawn link cannot be withdrawn again');
  assert.equal(again.json.code, 'bad_request');
  await page.context().close();
  const shown = await closedLinkPage(begun.url, {
    status: 410, heading: /This link is no longer valid/, shotName: 'link-05-revoked.png',
  });
  await axeCheck(shown, 'revoked link');
  await shown.context().close();

  // withdrawn with `calfbot link revoke` before it was opened
  const unused = await createLink();
  assert.match(await calfbotCli(['link', 'revoke', unused.id]), new RegExp(`revoked ${unused.id}`));
  assert.equal((await api(`v1/clinic/intakes/${unused.id}`)).json.status, 'revoked');
  await (await closedLinkPage(unused.url, {
    status: 410, heading: /This link is no longer valid/, shotName: 'link-05-revoked-by-command-line.png',
  })).context().close();

  // the completed intake cannot be withdrawn
  const late = await api(`v1/clinic/intakes/${intake.id}/revoke`, { method: 'POST' });
  assert.equal(late.status, 400);
  assert.match(late.json.text, /completed/);
});

test('an expired link shows that it has expired', { skip }, async () => {
  // the shortest life the command line takes: 0.001 hours, 3 seconds
  const short = await createLink(['--expires-in', '0.001']);
  await waitForStatus(short.id, 'expired');
  const page = await closedLinkPage(short.url, {
    status: 410, heading: /This link has expired/, shotName: 'link-06-expired.png',
  });
  await axeCheck(page, 'expired link');
  await page.context().close();
  // and one given by the API in the past is refused
  const past = await api('v1/clinic/intakes', { method: 'POST', body: { expires_at: '2000-01-01T00:00:00Z' } });
  assert.equal(past.status, 400);
  assert.equal(past.json.code, 'bad_request');
});

// docs/clinic.md: "HEAD checks a link without starting anything" (a mail
// scanner or link checker must not start the patient's conversation).
test('HEAD on a new link starts no conversation', { skip }, async () => {
  // conversations started through a link are not counted in
  // calfbot_sessions_started_total, but they are held in memory
  const started = async () => {
    const m = (await (await fetch(new URL('metrics', calfbot.base))).text()).match(/^calfbot_sessions_active (\d+)/m);
    assert.ok(m, 'the metrics have calfbot_sessions_active');
    return Number(m[1]);
  };
  const link = await createLink();
  const before = await started();
  const head = await fetch(link.url, { method: 'HEAD' });
  assert.equal(head.status, 200, 'a live link');
  assert.equal(await started(), before, 'no conversation was started');
});

test('an unknown link says it was not found (404)', { skip }, async () => {
  const url = new URL(`i/${'A'.repeat(43)}`, calfbot.base).href;
  const page = await closedLinkPage(url, {
    status: 404, heading: /This link was not found/, shotName: 'link-07-not-found.png',
  });
  await page.context().close();
});

// The pages of closed links are one column (the link page itself has two:
// intro and chat): the explanation reads below its heading.
test('a closed link\'s page reads from top to bottom in one column', { skip }, async () => {
  const page = await newPage();
  await page.goto(new URL(`i/${'B'.repeat(43)}`, calfbot.base).href);
  const h1 = await page.locator('h1').boundingBox();
  const text = await page.locator('main p').first().boundingBox();
  await page.context().close();
  assert.ok(text.y >= h1.y + h1.height, `the explanation is below the heading (heading ${JSON.stringify(h1)}, text ${JSON.stringify(text)})`);
});
