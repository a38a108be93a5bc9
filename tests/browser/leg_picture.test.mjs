// The leg picture of the location question, in a real headless Chromium at a
// desktop width (1280 px) and a phone width (390 px): all of the picture is in
// sight inside the widget's answer area, every region of it takes a tap where
// the patient sees it, and the choices are laid out below it.
//
//   CALFBOT_BIN=/path/to/calfbot node --test leg_picture.test.mjs
//
// Environment: as widget.test.mjs (helpers.mjs). Run by tests/browser/run.
// Screenshots, in the screenshot folder (build/browser-screenshots under
// ctest): leg-picture-<width>.png when the question shows, and
// leg-picture-<width>-last-choice.png once the patient has gone down to the
// last choice.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  calfbot, startCalfbot, launchBrowser, tearDown, newPage, host, w, state, settled, shot, axeCheck, type, converse,
} from './helpers.mjs';

before(async () => {
  await startCalfbot();
  await launchBrowser();
});

after(tearDown);

// What the page shows of the picture, measured in the page: the boxes of the
// picture, of the answer area and of each drawn part, and the part of the
// screen where each can be seen at all: its box cut by every ancestor that
// clips its content (the svg's own box, the scrolling list, the answer area,
// the widget; across the shadow root) and by the viewport.
function measure() {
  const root = document.querySelector('.calfbot-widget').shadowRoot;
  const box = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  const cut = (a, b) => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
                           right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
  function seen(node) {
    const html = document.documentElement;
    let v = { left: 0, top: 0, right: html.clientWidth, bottom: html.clientHeight };
    for (let a = node.parentNode || node.host; a; a = a.parentNode || a.host) {
      if (a.nodeType !== Node.ELEMENT_NODE || a === html) continue;
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const r = a.getBoundingClientRect();
      const left = r.left + a.clientLeft;
      const top = r.top + a.clientTop;
      v = cut(v, { left, top, right: left + a.clientWidth, bottom: top + a.clientHeight });
    }
    return v;
  }
  const answer = root.querySelector('.cb-answer');
  const svg = answer.querySelector('.cb-leg svg');
  const parts = [...svg.querySelectorAll('.cb-skin, .cb-region, text')].map((p) => ({
    what: p.getAttribute('data-region') ? `region ${p.getAttribute('data-region')} (${p.getAttribute('data-view')})`
      : p.tagName === 'text' ? `label "${p.textContent}"` : 'the outline',
    box: box(p.getBoundingClientRect()), seen: seen(p),
  }));
  // where a choice is laid out: its top as if nothing in the answer area
  // were scrolled
  function laidTop(node) {
    let top = node.getBoundingClientRect().top;
    for (let a = node.parentNode; a && a !== answer.parentNode; a = a.parentNode) top += a.scrollTop;
    return top;
  }
  const choices = [...answer.querySelectorAll('button.cb-choice')].map((b) => ({
    id: b.getAttribute('data-choice'), box: box(b.getBoundingClientRect()), seen: seen(b), laidTop: laidTop(b),
  }));
  const done = answer.querySelector('button.cb-done');
  return {
    answer: box(answer.getBoundingClientRect()), answerSeen: seen(answer),
    picture: box(svg.getBoundingClientRect()), pictureSeen: seen(svg),
    parts, choices, done: { box: box(done.getBoundingClientRect()), seen: seen(done) },
  };
}

// Where a tap on each region lands: the middle of its rectangle (inside the
// leg's outline by construction, adapters/web/widget/2-leg.js), and what the
// browser finds at that point.
function hitTargets() {
  const root = document.querySelector('.calfbot-widget').shadowRoot;
  return [...root.querySelectorAll('.cb-answer .cb-leg .cb-region')].map((r) => {
    const b = r.getBoundingClientRect();
    const x = (b.left + b.right) / 2;
    const y = (b.top + b.bottom) / 2;
    const hit = root.elementFromPoint(x, y);
    return { id: r.getAttribute('data-region'), view: r.getAttribute('data-view'), x, y,
             hit: hit === r ? 'itself' : hit ? `${hit.tagName}.${hit.getAttribute('class')}` : 'nothing' };
  });
}

const SLACK = 1;  // px, for rounding
const within = (b, a) => b.left >= a.left - SLACK && b.top >= a.top - SLACK &&
                         b.right <= a.right + SLACK && b.bottom <= a.bottom + SLACK;
const cut = (a, b) => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
                         right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
const show = (b) => `[${Math.round(b.left)},${Math.round(b.top)} to ${Math.round(b.right)},${Math.round(b.bottom)}]`;

// Asserts that all of the picture, every part of it, is where the patient
// can see it, and that the choices are laid out below it, the first of them
// and Done in sight; `when` says at which point of the test.
async function assertPictureInSight(page, { width, height }, when) {
  const m = await page.evaluate(measure);
  const at = `${width} px, ${when}`;
  assert.ok(m.picture.bottom - m.picture.top >= 110, `${at}: the picture is big enough to tap: ${show(m.picture)}`);
  assert.ok(within(m.picture, m.answer), `${at}: the picture ${show(m.picture)} lies in the answer area ${show(m.answer)}`);
  assert.ok(within(m.picture, { left: 0, top: 0, right: width, bottom: height }),
            `${at}: the picture ${show(m.picture)} lies in the viewport`);
  assert.ok(within(m.picture, m.pictureSeen),
            `${at}: all of the picture ${show(m.picture)} is in sight, not only ${show(m.pictureSeen)}`);
  const hidden = m.parts.filter((p) => !within(p.box, p.seen)).map((p) => `${p.what} ${show(p.box)} seen ${show(p.seen)}`);
  assert.deepEqual(hidden, [], `${at}: every part of the picture is in sight`);

  assert.ok(m.choices.length >= 9, `${at}: the choices are there as buttons too`);
  const above = m.choices.filter((c) => c.laidTop < m.picture.bottom - SLACK).map((c) => c.id);
  assert.deepEqual(above, [], `${at}: every choice is laid out below the picture (its bottom at ${Math.round(m.picture.bottom)})`);
  const over = m.choices.filter((c) => {
    const v = cut(cut(c.box, c.seen), m.picture);
    return v.right - v.left > SLACK && v.bottom - v.top > SLACK;
  }).map((c) => c.id);
  assert.deepEqual(over, [], `${at}: no choice is shown over the picture`);
  const shown = m.choices.filter((c) => within(c.box, c.seen));
  assert.ok(shown.length >= 1, `${at}: at least one choice is wholly in sight below the picture`);
  assert.ok(within(m.done.box, m.done.seen), `${at}: Done is in sight: ${show(m.done.box)}`);
  return m;
}

const SIZES = [
  { width: 1280, height: 800, options: {} },
  { width: 390, height: 844, options: { deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
];

for (const size of SIZES) {
  const { width, height, options } = size;
  test(`the leg picture at ${width} x ${height}: all in sight in the answer area, every region tappable, the choices below`, async () => {
    const page = await newPage({ viewport: { width, height }, ...options });
    await page.goto(calfbot.base);
    let s = await settled(page);
    await type(page, 'my calf hurts when I walk');
    s = await settled(page, s.seq);
    await converse(page, { who: 'myself', age: '58', sex: 'female', side: 'left' },
                   { stopAt: (st) => st.slot === 'location' });
    assert.equal((await state(page)).slot, 'location', 'the location question is asked');
    // the patient brings the widget into sight (on a phone it sits below the page's text)
    await host(page).scrollIntoViewIfNeeded();
    // (each screenshot before the check, so that a failure's picture is kept too)
    await shot(page, `leg-picture-${width}.png`, host(page));
    const first = await assertPictureInSight(page, size, 'when the question shows');
    await axeCheck(page, `leg picture ${width}`);

    // the patient goes down the choices, by keyboard and to the last one,
    // which brings each into sight: the picture stays in sight all the while
    await w(page, '.cb-answer button.cb-choice').first().focus();
    for (let i = 1; i < first.choices.length; i += 1) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.querySelector('.calfbot-widget').shadowRoot.activeElement
      ?.getAttribute('data-choice')), first.choices.at(-1).id, 'Tab goes through the choices in order');
    await w(page, `.cb-answer button[data-choice="${first.choices.at(-1).id}"]`).scrollIntoViewIfNeeded();
    await shot(page, `leg-picture-${width}-last-choice.png`, host(page));
    await assertPictureInSight(page, size, 'after going down to the last choice');

    // every region takes a tap (a click at 1280, a touch at 390) where it is
    // drawn, with no scrolling first, and picks its choice; a second tap drops it
    const targets = await page.evaluate(hitTargets);
    assert.equal(targets.length, 11, 'seven regions at the back, four at the front');
    const covered = targets.filter((t) => t.hit !== 'itself').map((t) => `${t.id} (${t.view}): ${t.hit}`);
    assert.deepEqual(covered, [], 'a tap on the middle of each region reaches that region');
    const tap = (t) => (options.hasTouch ? page.touchscreen.tap(t.x, t.y) : page.mouse.click(t.x, t.y));
    for (const t of targets) {
      const button = w(page, `.cb-answer button[data-choice="${t.id}"]`);
      for (const pressed of ['true', 'false']) {
        await tap(t);
        assert.equal(await button.getAttribute('aria-pressed'), pressed,
                     `a tap on ${t.id} (${t.view}) at ${Math.round(t.x)},${Math.round(t.y)} makes its choice ${pressed === 'true' ? 'chosen' : 'unchosen'}`);
      }
    }
    const after = await assertPictureInSight(page, size, 'after tapping every region');
    assert.deepEqual(after.picture, (await page.evaluate(measure)).picture, 'the picture did not move while it was tapped');

    // and a place tapped on the picture is the answer sent with Done
    const mid = targets.find((t) => t.id === 'mid_calf');
    const label = (await w(page, '.cb-answer button[data-choice="mid_calf"]').textContent()).trim();
    await tap(mid);
    s = await state(page);
    await w(page, '.cb-answer button.cb-done').click();
    s = await settled(page, s.seq);
    assert.notEqual(s.slot, 'location', 'the next question follows');
    const said = (await w(page, '.cb-log .cb-me').last().textContent()).replace(/^You:\s*/, '').trim();
    assert.equal(said, label, 'the answer shown is the place tapped');
    assert.deepEqual(page.errors.map(String), [], 'no script errors on the page');
    await page.context().close();
  });
}
