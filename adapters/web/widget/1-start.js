/*
 * calfbot chat widget: plain JavaScript, no framework, no build step.
 *
 * A clinic puts it on its site with
 *
 *   <script src="https://calfbot.example.org/widget.js" defer></script>
 *
 * which adds a floating "Check your calf pain" button, or mounts it into an
 * element of the page with
 *
 *   <div id="calfbot"></div>
 *   <script src="https://calfbot.example.org/widget.js" data-mount="#calfbot" defer></script>
 *
 * The server is the folder the script was loaded from (override with
 * data-server="https://..."). Every asset comes from that server: widget.css is
 * loaded into the widget's own shadow root, so the page's styles and the
 * widget's cannot interfere. The conversation runs over a WebSocket at
 * <server>/v1/chat (docs/protocol.md); the session token and the last message
 * number are kept in localStorage, per server, so that a reload or a dropped
 * connection resumes the same conversation. The transcript shown on screen is
 * kept in sessionStorage only (it goes when the tab is closed).
 *
 * window.Calfbot.mount(elementOrSelector, options) mounts a widget by hand;
 * options: {server, launcher: bool, title}.
 */
(function () {
  'use strict';

  if (window.Calfbot && window.Calfbot.version) return;  // loaded twice

  var SCRIPT = document.currentScript;
  var SCRIPT_URL = new URL(SCRIPT && SCRIPT.src ? SCRIPT.src : 'widget.js', document.baseURI);
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var SCALE_SPAN = 10;  // 0-10 scales get a row of buttons
  var PERSON_WORDS = 'talk to someone';  // asks for a person, as typed (docs/console.md)

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'text') node.textContent = v;
        else if (k === 'className') node.className = v;
        else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? '' : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, String(attrs[k]));
    });
    return node;
  }

  var uid = 0;
  function nextId(prefix) { uid += 1; return 'cb-' + prefix + '-' + uid; }

  function storageGet(store, key) {
    try { var v = store.getItem(key); return v ? JSON.parse(v) : null; } catch (e) { return null; }
  }
  function storageSet(store, key, value) {
    try {
      if (value === null) store.removeItem(key); else store.setItem(key, JSON.stringify(value));
    } catch (e) { /* storage full or blocked: the widget still works, without resume */ }
  }

  function percent(score) {
    var p = Math.round((Number(score) || 0) * 100);
    return p < 1 ? 'under 1%' : p + '%';
  }

  function phoneHref(number) { return 'tel:' + String(number || '').replace(/[^0-9+*#]/g, ''); }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  var TRIAGE = {
    emergency: 'Emergency: call now',
    urgent: 'Get seen today',
    soon: 'See a clinician in the next few days',
    self_care: 'Home care is usually enough'
  };
