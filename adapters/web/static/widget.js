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

  // ------------------------------------------------------------- leg picture
  //
  // Two views of one lower leg, back and front, drawn in a 160 x 320 box each.
  // Regions are rectangles clipped to the leg's outline; each maps to a choice
  // id of the "location" question (knowledge/data/questions.json). Drawn as a
  // left leg; mirrored when the patient said the right leg, so that "inner"
  // and "outer" sit on the correct sides (they are labelled as well).

  var LEG_OUTLINE =
    'M46 34 L114 34 C116 50 115 60 114 70 C126 95 132 130 124 165 C116 200 102 225 98 250 ' +
    'L100 272 C104 285 100 298 88 302 L72 302 C60 298 56 285 60 272 L62 250 ' +
    'C58 225 44 200 36 165 C28 130 34 95 46 70 C45 60 44 50 46 34 Z';
  var FOOT_FRONT =
    'M62 250 L98 250 L100 268 C112 282 118 296 116 312 L44 312 C42 296 48 282 60 268 Z';

  // [id, x, y, width, height] in the unmirrored (left leg) drawing. The side
  // strips cover the calf only, and each rectangle's centre lies inside the
  // leg, so a tap on the middle of a region always lands on it.
  var BACK_REGIONS = [
    ['behind_knee', 30, 50, 100, 38],
    ['upper_calf', 52, 88, 56, 52],
    ['mid_calf', 52, 140, 56, 50],
    ['lower_calf', 52, 190, 56, 72],
    ['outer', 26, 88, 26, 130],   // back of a left leg: the outer side is on the viewer's left
    ['inner', 108, 88, 26, 130],
    ['foot', 0, 262, 160, 50]
  ];
  var FRONT_REGIONS = [
    ['shin', 52, 88, 56, 174],
    ['inner', 26, 88, 26, 130],   // front of a left leg: the inner side is on the viewer's left
    ['outer', 108, 88, 26, 130],
    ['foot', 0, 262, 160, 52]
  ];
  var LEG_IDS = ['behind_knee', 'upper_calf', 'mid_calf', 'lower_calf', 'inner', 'outer', 'shin',
                 'foot', 'whole_leg'];

  function buildLeg(mirror, onToggle) {
    var root = svg('svg', {viewBox: '0 28 360 306', 'aria-hidden': 'true', focusable: 'false'});
    var clipId = nextId('legclip');
    var clipFrontId = nextId('legclipf');
    var defs = svg('defs');
    var clip = svg('clipPath', {id: clipId});
    clip.appendChild(svg('path', {d: LEG_OUTLINE}));
    var clipFront = svg('clipPath', {id: clipFrontId});
    clipFront.appendChild(svg('path', {d: LEG_OUTLINE}));
    clipFront.appendChild(svg('path', {d: FOOT_FRONT}));
    defs.appendChild(clip);
    defs.appendChild(clipFront);
    root.appendChild(defs);

    var regions = [];
    function view(offsetX, title, list, front) {
      var g = svg('g', {transform: 'translate(' + offsetX + ' 18)'});
      var leg = svg('g', mirror ? {transform: 'translate(160 0) scale(-1 1)'} : {});
      leg.appendChild(svg('path', {d: LEG_OUTLINE, 'class': 'cb-skin'}));
      if (front) {
        leg.appendChild(svg('path', {d: FOOT_FRONT, 'class': 'cb-skin'}));
        leg.appendChild(svg('ellipse', {cx: 80, cy: 64, rx: 15, ry: 17, 'class': 'cb-mark'}));  // knee cap
        leg.appendChild(svg('path', {d: 'M84 92 C90 150 88 210 82 250', 'class': 'cb-mark'}));  // shin bone
      } else {
        leg.appendChild(svg('path', {d: 'M58 62 C70 70 90 70 102 62', 'class': 'cb-mark'}));  // knee crease
        leg.appendChild(svg('path', {d: 'M80 185 L80 268', 'class': 'cb-mark'}));  // Achilles tendon
      }
      var clipped = svg('g', {'clip-path': 'url(#' + (front ? clipFrontId : clipId) + ')'});
      list.forEach(function (r) {
        var rect = svg('rect', {x: r[1], y: r[2], width: r[3], height: r[4], 'class': 'cb-region'});
        rect.setAttribute('data-region', r[0]);
        rect.setAttribute('data-view', front ? 'front' : 'back');
        rect.addEventListener('click', function () { onToggle(r[0]); });
        clipped.appendChild(rect);
        regions.push(rect);
      });
      leg.appendChild(clipped);
      g.appendChild(leg);
      g.appendChild(svg('text', {x: 80, y: 28, 'text-anchor': 'middle', 'class': 'cb-view', text: title}));
      // side labels: which side is inner/outer depends on the view and on the leg
      var leftLabel = (front ? 'inner' : 'outer');
      var rightLabel = (front ? 'outer' : 'inner');
      if (mirror) { var t = leftLabel; leftLabel = rightLabel; rightLabel = t; }
      g.appendChild(svg('text', {x: 14, y: 175, 'text-anchor': 'middle', text: leftLabel,
                                 transform: 'rotate(-90 14 175)'}));
      g.appendChild(svg('text', {x: 146, y: 175, 'text-anchor': 'middle', text: rightLabel,
                                 transform: 'rotate(90 146 175)'}));
      root.appendChild(g);
    }
    view(10, 'Back', BACK_REGIONS, false);
    view(190, 'Front', FRONT_REGIONS, true);

    return {
      node: root,
      update: function (selected) {
        var all = selected.indexOf('whole_leg') >= 0;
        regions.forEach(function (r) {
          var on = all || selected.indexOf(r.getAttribute('data-region')) >= 0;
          r.classList.toggle('cb-on', on);
        });
      }
    };
  }

  // ------------------------------------------------------------------ widget

  function Widget(container, options) {
    this.options = options || {};
    var base = new URL(this.options.server || new URL('.', SCRIPT_URL).href, document.baseURI);
    if (!/\/$/.test(base.pathname)) base = new URL(base.pathname + '/', base);
    this.base = base;
    var ws = new URL('v1/chat', base);
    ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
    this.wsUrl = ws.href;
    this.storeKey = 'calfbot:' + base.href;  // one conversation per calfbot server
    // A clinic's pre-visit link (/i/<token>, docs/clinic.md) binds the widget
    // to one intake: its own conversation, started by the server.
    this.intake = this.options.intake || null;
    if (this.intake) this.storeKey += '#intake:' + this.intake;

    this.socket = null;
    this.connected = false;        // a session message has been received on this socket
    this.everConnected = false;
    this.attempt = 0;              // reconnects tried since the last good connection
    this.failedAttempts = 0;
    this.sessionAt = 0;            // when the current connection got its session
    this.retryTimer = null;
    this.retryAt = 0;
    this.countdownTimer = null;
    this.waiting = false;
    this.finished = false;
    this.question = null;          // the question being answered
    this.selected = [];            // multi choice: ids toggled so far
    this.side = null;              // the leg the patient named, for the picture
    this.escalation = null;
    this.started = false;

    var saved = storageGet(window.localStorage, this.storeKey) || {};
    this.token = saved.token || null;
    this.lastSeq = saved.last_seq || 0;
    if (this.options.session && this.options.session !== this.token) {
      this.token = this.options.session;
      this.lastSeq = 0;
    }

    this.build(container);
  }

  Widget.prototype.build = function (container) {
    var self = this;
    var host = el('div', {'class': 'calfbot-widget'});
    container.appendChild(host);
    this.host = host;
    var shadow = host.attachShadow ? host.attachShadow({mode: 'open'}) : host;
    this.shadow = shadow;

    var css = el('link', {rel: 'stylesheet', href: new URL('widget.css', this.base).href});
    shadow.appendChild(css);

    var titleId = nextId('title');
    this.root = el('section', {'class': 'cb-root cb-loading', 'aria-labelledby': titleId});
    function shown() { self.root.classList.remove('cb-loading'); }
    css.addEventListener('load', shown);
    css.addEventListener('error', shown);
    setTimeout(shown, 3000);

    this.closeButton = this.options.launcher
      ? el('button', {type: 'button', 'class': 'cb-close', text: 'Close',
                      'aria-label': 'Close the calf pain check', onclick: function () { self.close(); }})
      : null;
    var header = el('div', {'class': 'cb-header'}, [
      el('div', {'class': 'cb-header-text'}, [
        el('h2', {'class': 'cb-title', id: titleId, text: this.options.title || 'Calf pain check'}),
        el('p', {'class': 'cb-subtitle', text: 'A few questions, then advice on what to do next.'})
      ]),
      this.closeButton
    ]);

    this.progressLabel = el('span', {'class': 'cb-progress-label', text: 'Getting started'});
    this.progressFill = el('div', {'class': 'cb-progress-fill'});
    this.progressBar = el('div', {'class': 'cb-progress-track', role: 'progressbar',
                                  'aria-label': 'Progress through the questions',
                                  'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0,
                                  'aria-valuetext': 'Getting started'}, [this.progressFill]);
    var progress = el('div', {'class': 'cb-progress'}, [this.progressLabel, this.progressBar]);

    // Escalations: an assertive live region that keeps its banner for good.
    this.banner = el('div', {'class': 'cb-banner', role: 'alert'});
    this.status = el('div', {'class': 'cb-status', role: 'status'});

    this.log = el('div', {'class': 'cb-log', role: 'log', 'aria-live': 'polite',
                          'aria-relevant': 'additions', 'aria-label': 'Conversation', tabindex: 0});
    this.typing = el('div', {'class': 'cb-typing', 'aria-hidden': 'true', hidden: true},
                     [el('span'), el('span'), el('span')]);
    this.log.appendChild(this.typing);

    this.answer = el('div', {'class': 'cb-answer'});

    var inputId = nextId('text');
    this.input = el('input', {type: 'text', id: inputId, autocomplete: 'off', maxlength: 2000,
                              enterkeyhint: 'send', placeholder: 'Type your answer here'});
    this.compose = el('form', {'class': 'cb-compose', novalidate: true,
                               onsubmit: function (ev) { ev.preventDefault(); self.sendTyped(); }}, [
      el('label', {'for': inputId, 'class': 'cb-sr', text: 'Your answer, in your own words'}),
      this.input,
      el('button', {type: 'submit', 'class': 'cb-send', text: 'Send'})
    ]);

    this.backButton = el('button', {type: 'button', 'class': 'cb-link', text: 'Go back one question',
                                    onclick: function () { self.command('back', 'Go back'); }});
    this.restartButton = el('button', {type: 'button', 'class': 'cb-link', text: 'Start again',
                                       onclick: function () {
                                         var sure = true;
                                         try { sure = window.confirm('Start the questions again from the beginning?'); } catch (e) { /* no dialogs here */ }
                                         if (sure) self.command('restart', 'Start again');
                                       }});
    this.newButton = el('button', {type: 'button', 'class': 'cb-link', text: 'Start a new check', hidden: true,
                                   onclick: function () { self.newConversation(); }});
    var tools = el('div', {'class': 'cb-tools'}, [this.backButton, this.restartButton, this.newButton]);

    this.root.appendChild(header);
    this.root.appendChild(progress);
    this.root.appendChild(this.banner);
    this.root.appendChild(this.status);
    this.root.appendChild(this.log);
    this.root.appendChild(this.answer);
    this.root.appendChild(this.compose);
    this.root.appendChild(tools);

    if (this.options.launcher) {
      this.panel = el('div', {'class': 'cb-panel', role: 'dialog', 'aria-labelledby': titleId, hidden: true,
                              onkeydown: function (ev) { if (ev.key === 'Escape') self.close(); }},
                      [this.root]);
      this.launcher = el('button', {type: 'button', 'class': 'cb-launcher', 'aria-expanded': 'false',
                                    'aria-haspopup': 'dialog', text: 'Check your calf pain',
                                    onclick: function () { self.panel.hidden ? self.open() : self.close(); }});
      shadow.appendChild(this.launcher);
      shadow.appendChild(this.panel);
    } else {
      shadow.appendChild(this.root);
      this.start();
    }

    window.addEventListener('online', function () { self.retryNow(); });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible' && self.started && !self.socket) self.retryNow();
    });
  };

  Widget.prototype.open = function () {
    this.panel.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.start();
    this.focusAnswer();
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.focus();
  };

  Widget.prototype.start = function () {
    if (this.started) return;
    this.started = true;
    this.restoreTranscript();
    this.connect();
  };

  // ---------------------------------------------------------- transcript

  Widget.prototype.transcriptKey = function () { return this.storeKey + ':transcript'; };

  Widget.prototype.remember = function (entry) {
    if (!this.token) return;
    var t = storageGet(window.sessionStorage, this.transcriptKey());
    if (!t || t.token !== this.token) t = {token: this.token, entries: []};
    t.entries.push(entry);
    storageSet(window.sessionStorage, this.transcriptKey(), t);
  };

  // After a reload: show what was said before and carry on from the last
  // message shown. Without a transcript (a new tab) the server replays the
  // whole conversation (last_seq 0), so the patient sees where they are.
  Widget.prototype.restoreTranscript = function () {
    var t = storageGet(window.sessionStorage, this.transcriptKey());
    if (!this.token || !t || t.token !== this.token || !t.entries.length) {
      storageSet(window.sessionStorage, this.transcriptKey(), null);
      this.lastSeq = 0;
      return;
    }
    var self = this;
    var seq = 0;
    this.replaying = true;
    t.entries.forEach(function (e) {
      if (e.me) self.addMe(e.me, true);
      else if (e.bot) { self.render(e.bot, true); seq = Math.max(seq, e.bot.seq || 0); }
    });
    this.replaying = false;
    this.lastSeq = seq;
    this.showQuestion();
    this.scrollDown();
    var cards = this.log.querySelectorAll('.cb-card');
    if (this.finished && cards.length) {
      // back on a finished check: show the result from its top
      var card = cards[cards.length - 1];
      this.log.scrollTop += card.getBoundingClientRect().top - this.log.getBoundingClientRect().top - 8;
    }
  };

  Widget.prototype.saveSession = function () {
    storageSet(window.localStorage, this.storeKey,
               this.token ? {token: this.token, last_seq: this.lastSeq} : null);
  };

  // ---------------------------------------------------------- connection

  Widget.prototype.connect = function () {
    var self = this;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.setStatus(this.everConnected ? 'Reconnecting\u2026' : '', false);
    var socket;
    try {
      socket = new WebSocket(this.wsUrl);
    } catch (e) {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    this.connected = false;
    this.setWaiting(true);
    socket.onopen = function () {
      if (self.token) {
        socket.send(JSON.stringify({type: 'resume', token: self.token, last_seq: self.lastSeq}));
      } else {
        socket.send(JSON.stringify({type: 'hello'}));
      }
    };
    socket.onmessage = function (ev) {
      if (socket !== self.socket) return;
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (!msg || typeof msg !== 'object') return;
      self.receive(msg);
    };
    socket.onclose = function (ev) {
      if (socket !== self.socket) return;
      var hadSession = self.connected;
      // a connection that lasted is "dropped"; one closed at once is "failing"
      var lasted = hadSession && Date.now() - self.sessionAt > 5000;
      if (hadSession && !lasted) self.attempt = self.failedAttempts + 1;
      self.socket = null;
      self.connected = false;
      self.setWaiting(false);
      self.closed(ev.code, ev.reason, hadSession, lasted);
      self.publishState();
    };
    socket.onerror = function () { /* onclose follows */ };
  };

  // Close codes (docs/protocol.md):
  //   4404 unknown session, 4410 session expired: the conversation is gone;
  //     start a new one (unless this one had finished: then just forget it).
  //   1008 policy (a bad Origin, flooding, not reading) and other 44xx on a
  //     connection that never got a session: the server refuses this page, and
  //     trying again cannot help.
  //   Anything else (1001 server going away, 1006 network lost, an idle close):
  //     reconnect, at once and quietly the first time, then with backoff.
  Widget.prototype.closed = function (code, reason, hadSession, lasted) {
    if ((code === 4404 || code === 4410) && this.intake && !this.finished) {
      window.location.reload();  // the link page knows what comes next
      return;
    }
    if (code === 4404 || code === 4410) {
      var finished = this.finished;
      this.forgetSession(finished ? null : 'Your earlier conversation has ended, so a new one is starting.');
      if (finished) {
        this.finished = true;
        this.newButton.hidden = false;
        this.backButton.hidden = true;
        this.restartButton.hidden = true;
        return;
      }
      this.retryNow();
      return;
    }
    if (!hadSession && (code === 1008 || (code >= 4400 && code < 4500))) {
      this.setStatus('The chat cannot connect from this page (' + (reason || 'refused by the server') +
                     '). Please reload the page, or contact the clinic another way.', false);
      return;
    }
    this.scheduleRetry(lasted);
  };

  Widget.prototype.scheduleRetry = function (quietFirst) {
    var self = this;
    if (this.retryTimer) return;
    // exponential backoff with jitter: about 1, 2, 4, 8, 16, then 30 seconds
    var delay = Math.min(30000, 1000 * Math.pow(2, this.attempt));
    delay = Math.round(delay * (0.75 + Math.random() * 0.5));
    if (quietFirst && this.attempt === 0) delay = 300;  // a dropped line: just reconnect
    this.attempt += 1;
    this.retryAt = Date.now() + delay;
    this.retryTimer = setTimeout(function () { self.retryTimer = null; self.connect(); }, delay);
    if (!(quietFirst && this.attempt === 1)) this.showCountdown();
  };

  Widget.prototype.showCountdown = function () {
    var self = this;
    clearTimeout(this.countdownTimer);
    if (!this.retryTimer) return;
    var secs = Math.max(1, Math.round((this.retryAt - Date.now()) / 1000));
    var text = this.everConnected
      ? 'Connection lost. Trying again in ' + secs + ' s.'
      : 'Cannot reach the chat service. Trying again in ' + secs + ' s.';
    this.setStatus(text, true, secs % 5 === 0 || secs === 1);
    this.countdownTimer = setTimeout(function () { self.showCountdown(); }, 1000);
  };

  Widget.prototype.retryNow = function () {
    if (!this.started || this.socket) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  };

  // Status text goes into a polite status region; the seconds count down
  // visibly but are only re-announced now and then (announce=false keeps the
  // text node, so screen readers are not told every second).
  Widget.prototype.setStatus = function (text, withRetry, announce) {
    var self = this;
    if (!text) { this.status.textContent = ''; return; }
    var span = this.status.querySelector('span');
    if (span && announce === false && withRetry) {
      span.textContent = text;
      return;
    }
    this.status.textContent = '';
    this.status.appendChild(el('span', {text: text}));
    if (withRetry) {
      this.status.appendChild(el('button', {type: 'button', text: 'Try now',
                                            onclick: function () { self.attempt = 0; self.retryNow(); }}));
    }
  };

  Widget.prototype.send = function (payload) {
    if (!this.socket || !this.connected || this.socket.readyState !== WebSocket.OPEN) {
      this.setStatus(this.everConnected
        ? 'Not connected just now, so that was not sent. Reconnecting\u2026'
        : 'Still connecting, so that was not sent. Please try again in a moment.', !this.socket);
      this.retryNow();
      return false;
    }
    payload.utc_offset_minutes = -new Date().getTimezoneOffset();
    this.socket.send(JSON.stringify(payload));
    this.pending = payload;  // until a reply comes: see receive()
    this.setWaiting(true);
    return true;
  };

  Widget.prototype.receive = function (msg) {
    if (msg.type === 'session') {
      var hadToken = this.token;
      if (msg.resumed === false && hadToken) {
        this.forgetSession('Your earlier conversation could not be continued, so a new one has started.');
      }
      this.token = msg.token || null;
      if (!msg.resumed) this.lastSeq = 0;
      this.saveSession();
      this.connected = true;
      this.everConnected = true;
      this.sessionAt = Date.now();
      this.failedAttempts = this.attempt;
      this.attempt = 0;
      this.setStatus('', false);
      // An answer sent just before the line dropped: if the server has
      // nothing newer than we have seen, it never stored the answer, so send
      // it again; otherwise the replay that follows carries its reply.
      if (msg.resumed && this.pending && typeof msg.last_seq === 'number' && msg.last_seq <= this.lastSeq) {
        this.socket.send(JSON.stringify(this.pending));
        this.setWaiting(true);
        this.publishState();
        return;
      }
      if (!msg.resumed) this.pending = null;
      if (this.finished || this.question) this.setWaiting(false);
      this.publishState();
      return;
    }
    if (msg.type === 'error') this.pending = null;  // not taken; the patient tries again
    if (typeof msg.seq === 'number') {
      if (msg.seq <= this.lastSeq) return;  // already shown (a replay after a resume)
      this.pending = null;
      this.lastSeq = msg.seq;
      this.saveSession();
      this.remember({bot: msg});
    }
    this.render(msg, false);
    this.showQuestion();
    this.scrollDown();
    this.publishState();
  };

  // Starts over with no session (the server forgot it, or a new check).
  Widget.prototype.forgetSession = function (note) {
    this.token = null;
    this.lastSeq = 0;
    this.saveSession();
    storageSet(window.sessionStorage, this.transcriptKey(), null);
    this.question = null;
    this.finished = false;
    this.answer.textContent = '';
    this.newButton.hidden = true;
    this.backButton.hidden = false;
    this.restartButton.hidden = false;
    if (note) this.addLine('cb-divider', note);
  };

  Widget.prototype.newConversation = function () {
    this.forgetSession(null);
    this.escalation = null;
    this.banner.textContent = '';
    var keep = this.typing;
    this.log.textContent = '';
    this.log.appendChild(keep);
    this.setProgress(null);
    if (this.socket) {
      var s = this.socket;
      this.socket = null;
      s.close(1000, 'new conversation');
    }
    this.attempt = 0;
    this.connect();
    this.input.focus();
  };

  // ---------------------------------------------------------- rendering

  Widget.prototype.setWaiting = function (on) {
    this.waiting = on;
    this.typing.hidden = !on;
    if (on) this.log.appendChild(this.typing);  // keep it last
    this.scrollDown();
    this.publishState();
  };

  // The widget's state on its host element, for the page (and tests) to see:
  // data-state is offline, waiting, ready or finished; data-seq the last
  // message shown; data-slot the question being answered.
  Widget.prototype.publishState = function () {
    var state = this.finished ? 'finished' : !this.connected ? 'offline' : this.waiting ? 'waiting' : 'ready';
    this.host.setAttribute('data-state', state);
    this.host.setAttribute('data-seq', String(this.lastSeq));
    this.host.setAttribute('data-slot', this.question && !this.finished ? this.question.slot || '' : '');
  };

  Widget.prototype.scrollDown = function () {
    var log = this.log;
    if (log.scrollTo && !reducedMotion() && !this.replaying) {
      log.scrollTo({top: log.scrollHeight, behavior: 'smooth'});
    } else {
      log.scrollTop = log.scrollHeight;
    }
  };

  Widget.prototype.append = function (node) {
    this.log.insertBefore(node, this.typing);
    return node;
  };

  Widget.prototype.addLine = function (cls, text) {
    return this.append(el('div', {'class': 'cb-msg ' + cls}, [el('p', {text: text})]));
  };

  Widget.prototype.addMe = function (text, replay) {
    this.append(el('div', {'class': 'cb-msg cb-me'}, [
      el('span', {'class': 'cb-sr', text: 'You: '}), el('p', {text: text})
    ]));
    if (!replay) this.remember({me: text});
  };

  Widget.prototype.render = function (msg, replay) {
    switch (msg.type) {
      case 'question': this.renderQuestion(msg); break;
      case 'escalation': this.renderEscalation(msg); break;
      case 'outcome': this.renderOutcome(msg, replay); break;
      case 'info': this.addLine('cb-info', msg.text || ''); break;
      case 'error': this.addLine('cb-error', msg.text || 'Sorry, that could not be used. Please try again.'); break;
      // the patient's own earlier words, replayed to a browser that had none
      case 'patient': this.addMe(msg.text || '', replay); break;
      default: break;  // unknown message types are ignored
    }
    this.setWaiting(false);
    // After an error or a note (help, why) the same question stands: let the
    // patient answer it again. A new question replaces the controls anyway.
    if (msg.type === 'info' || msg.type === 'error') this.disableAnswer(false);
  };

  Widget.prototype.renderQuestion = function (msg) {
    var box = el('div', {'class': 'cb-msg cb-bot'}, [
      el('span', {'class': 'cb-sr', text: 'calfbot: '}), el('p', {text: msg.text || ''})
    ]);
    this.append(box);
    this.question = msg;
    this.selected = [];
    if (this.finished) {
      // a question after the result (the patient added something): carry on
      this.finished = false;
      this.newButton.hidden = true;
      this.backButton.hidden = false;
      this.restartButton.hidden = false;
    }
    this.questionShown = false;
    this.setProgress(msg.progress);
  };

  Widget.prototype.renderEscalation = function (msg) {
    this.append(el('div', {'class': 'cb-msg cb-escalation'}, [el('p', {text: msg.text || ''})]));
    var level = msg.level === 'urgent' ? 'urgent' : 'emergency';
    // never lower a banner already shown
    if (this.escalation === 'emergency' && level !== 'emergency') return;
    this.escalation = level;
    var number = msg.emergency_number || '';
    // Short, so that it can stay on screen: the full reason is in the
    // conversation below and in the result.
    var headline = level === 'emergency'
      ? 'This could be an emergency. Call ' + (number || 'the emergency number') + ' now.'
      : 'Please get seen in person today.';
    var box = el('div', {'class': 'cb-banner-box cb-level-' + level, 'data-level': level}, [
      el('p', {text: headline}),
      number ? el('a', {'class': 'cb-call', href: phoneHref(number),
                        text: (level === 'emergency' ? 'Call ' : 'Emergency: ') + number}) : null
    ]);
    this.banner.textContent = '';
    this.banner.appendChild(box);
  };

  Widget.prototype.renderOutcome = function (msg, replay) {
    var self = this;
    var headingId = nextId('outcome');
    var heading = el('h3', {id: headingId, tabindex: -1, text: 'Your result'});
    var triage = TRIAGE[msg.triage] ? msg.triage : 'soon';
    var card = el('article', {'class': 'cb-card', 'aria-labelledby': headingId, 'data-triage': msg.triage}, [
      heading,
      el('span', {'class': 'cb-triage cb-triage-' + triage, text: TRIAGE[triage]}),
      el('p', {text: msg.text || ''})
    ]);
    if ((msg.triage === 'emergency' || msg.triage === 'urgent') && msg.emergency_number) {
      card.appendChild(el('a', {'class': 'cb-call', href: phoneHref(msg.emergency_number),
                                text: 'Call ' + msg.emergency_number}));
    }

    var conditions = Array.isArray(msg.conditions) ? msg.conditions : [];
    if (conditions.length) {
      card.appendChild(el('h4', {text: 'What might be causing it'}));
      card.appendChild(el('p', {'class': 'cb-cause-summary',
                                text: 'How well each cause fits your answers, most likely first:'}));
      var list = el('ol', {'class': 'cb-causes'});
      conditions.forEach(function (c) {
        var pct = Math.max(0, Math.min(100, Math.round((Number(c.score) || 0) * 100)));
        var name = String(c.patient_name || c.name || c.id);
        name = name.charAt(0).toUpperCase() + name.slice(1);
        var bar = el('span');
        bar.style.width = pct + '%';
        list.appendChild(el('li', {'data-condition': c.id}, [
          el('div', {'class': 'cb-cause-head'}, [
            el('span', {text: name}),
            el('span', {'class': 'cb-cause-pct', text: percent(c.score)})
          ]),
          el('div', {'class': 'cb-cause-bar', 'aria-hidden': 'true'}, [bar]),
          c.summary ? el('div', {'class': 'cb-cause-summary', text: c.summary}) : null
        ]));
      });
      card.appendChild(list);
    }

    function adviceSection(title, items) {
      if (!Array.isArray(items) || !items.length) return;
      card.appendChild(el('h4', {text: title}));
      var ul = el('ul');
      items.forEach(function (a) {
        ul.appendChild(el('li', {}, [el('strong', {text: (a.name || '') + ': '}), a.text || '']));
      });
      card.appendChild(ul);
    }
    adviceSection('What you can do now', msg.self_care);
    adviceSection('Get help at once if', msg.safety_net);
    adviceSection('What a clinician may check', msg.tests);
    if (msg.disclaimer) card.appendChild(el('p', {'class': 'cb-disclaimer', text: msg.disclaimer}));
    card.appendChild(el('button', {type: 'button', 'class': 'cb-new', text: 'Start a new check',
                                   onclick: function () { self.newConversation(); }}));
    this.append(card);

    this.finished = true;
    this.question = null;
    this.answer.textContent = '';
    this.setProgress({done: true});
    this.newButton.hidden = false;
    this.backButton.hidden = true;
    this.restartButton.hidden = true;
    // The text box stays: the patient may still add something (a new symptom
    // is screened for red flags like every message).
    this.input.placeholder = 'Anything to add? Type it here';
    if (!replay) {
      // Move to the result so that keyboard and screen reader users start there.
      setTimeout(function () {
        heading.focus({preventScroll: true});
        // scroll the conversation, not the clinic's page
        var top = self.log.scrollTop + card.getBoundingClientRect().top - self.log.getBoundingClientRect().top - 8;
        if (self.log.scrollTo) self.log.scrollTo({top: top, behavior: reducedMotion() ? 'auto' : 'smooth'});
        else self.log.scrollTop = top;
      }, 0);
    }
  };

  Widget.prototype.setProgress = function (p) {
    var pct = 0;
    var label = 'Getting started';
    if (p && p.done) {
      pct = 100;
      label = 'Finished';
    } else if (p && typeof p.asked === 'number' && p.max) {
      pct = Math.min(95, Math.round((p.asked / p.max) * 100));
      label = 'Question ' + (p.asked + 1) + ' of up to ' + p.max;
    } else if (p && p.asked) {
      label = 'Question ' + (p.asked + 1);
    }
    this.progressFill.style.width = pct + '%';
    this.progressBar.setAttribute('aria-valuenow', String(pct));
    this.progressBar.setAttribute('aria-valuetext', label);
    this.progressLabel.textContent = label;
  };

  // ---------------------------------------------------------- answering

  // Builds the controls for the current question below the conversation.
  Widget.prototype.showQuestion = function () {
    if (this.replaying || this.questionShown) return;
    var q = this.question;
    this.answer.textContent = '';
    this.answer.classList.remove('cb-multi', 'cb-has-leg');
    if (this.numberMode) {
      this.numberMode = false;
      this.input.removeAttribute('inputmode');
    }
    if (!q || this.finished) return;
    this.questionShown = true;
    this.answer.setAttribute('data-slot', q.slot || '');
    this.answer.setAttribute('data-answer-type', q.answer_type || '');
    var choices = Array.isArray(q.choices) ? q.choices : [];
    var type = q.answer_type;
    var self = this;

    if (type === 'multi_choice') {
      this.renderMulti(q, choices);
    } else if (type === 'number') {
      this.renderNumber(q);
    } else if (type === 'duration') {
      this.renderQuick(q, [['today', 'Today'], ['yesterday', 'Yesterday'], ['3 days ago', 'A few days ago'],
                           ['1 week ago', 'About a week ago'], ['1 month ago', 'A month or more ago']],
                       'Tap one, or type when it started, for example "since Monday".');
    } else if (choices.length) {
      this.renderSingle(q, choices);
    }
    if (q.why) {
      // with the current question only, so that the log holds no old controls
      this.answer.appendChild(el('details', {'class': 'cb-why'}, [
        el('summary', {text: 'Why I ask this'}), el('p', {text: q.why})
      ]));
    }
    if (this.answer.firstChild) {
      this.answer.setAttribute('role', 'group');
      this.answer.setAttribute('aria-label', 'Answer choices');
    } else {
      this.answer.removeAttribute('role');
      this.answer.removeAttribute('aria-label');
    }
    this.input.placeholder = type === 'text' || this.numberMode ? 'Type your answer here'
      : 'Or type your answer here';
    // The focus follows the conversation only once the patient is using the
    // widget (never on page load): after a tapped answer it goes to the new
    // question's first control; after a typed one it stays in the text box.
    if (this.focusNext === 'answer') self.focusAnswer();
    else if (this.focusNext === 'input' && this.shadow.activeElement !== this.input) this.input.focus({preventScroll: true});
    this.focusNext = null;
  };

  Widget.prototype.focusAnswer = function () {
    var first = this.answer.querySelector('button:not([disabled]), input');
    if (first && this.question && this.question.answer_type !== 'text') first.focus({preventScroll: true});
    else if (!this.finished) this.input.focus({preventScroll: true});
  };

  Widget.prototype.disableAnswer = function (on) {
    if (on) {
      var active = this.shadow.activeElement;
      this.focusNext = active && active === this.input ? 'input' : 'answer';
    }
    Array.prototype.forEach.call(this.answer.querySelectorAll('button, input'), function (b) {
      b.disabled = on;
    });
  };

  function choiceButton(c, onclick, pressed) {
    var b = el('button', {type: 'button', 'class': 'cb-choice', text: c.label || c.id, 'data-choice': c.id,
                          onclick: onclick});
    if (pressed !== undefined) b.setAttribute('aria-pressed', pressed ? 'true' : 'false');
    return b;
  }

  Widget.prototype.answerChoice = function (id, label) {
    if (this.send({choice: id})) {
      this.addMe(label);
      this.disableAnswer(true);
      if (this.question && this.question.slot === 'side') this.side = id;
    }
  };

  Widget.prototype.renderSingle = function (q, choices) {
    var self = this;
    var row = el('div', {'class': 'cb-choices'});
    choices.forEach(function (c) {
      row.appendChild(choiceButton(c, function () { self.answerChoice(c.id, c.label || c.id); }));
    });
    this.answer.appendChild(row);
  };

  Widget.prototype.renderQuick = function (q, options, hint) {
    var self = this;
    this.answer.appendChild(el('p', {'class': 'cb-answer-hint', text: hint}));
    var row = el('div', {'class': 'cb-choices'});
    options.forEach(function (o) {
      row.appendChild(el('button', {type: 'button', 'class': 'cb-choice', text: o[1], 'data-text': o[0],
                                    onclick: function () { self.sendText(o[0], o[1]); }}));
    });
    this.answer.appendChild(row);
  };

  Widget.prototype.renderMulti = function (q, choices) {
    var self = this;
    var buttons = [];
    var exclusive = function (id) { return id === 'none' || id === 'whole_leg'; };
    var leg = null;
    var known = choices.filter(function (c) { return LEG_IDS.indexOf(c.id) >= 0; }).length;
    var done;

    function refresh() {
      buttons.forEach(function (b) {
        b.setAttribute('aria-pressed', self.selected.indexOf(b.getAttribute('data-choice')) >= 0 ? 'true' : 'false');
      });
      if (leg) leg.update(self.selected);
      done.disabled = self.selected.length === 0;
      done.textContent = self.selected.length ? 'Done (' + self.selected.length + ' chosen)' : 'Done';
    }
    function toggle(id) {
      var i = self.selected.indexOf(id);
      if (i >= 0) {
        self.selected.splice(i, 1);
      } else {
        // "None of these" (and "the whole leg") stand alone
        if (exclusive(id)) self.selected = [];
        else self.selected = self.selected.filter(function (s) { return !exclusive(s); });
        self.selected.push(id);
      }
      refresh();
    }

    // the picture and the choices scroll; "Done" stays in sight below them
    var scroller = el('div', {'class': 'cb-scroll'});
    this.answer.classList.add('cb-multi');
    if (q.slot === 'location' && known >= 4) {
      var mirror = this.side === 'right';
      leg = buildLeg(mirror, function (id) {
        if (choices.some(function (c) { return c.id === id; })) toggle(id);
      });
      this.answer.appendChild(el('p', {'class': 'cb-answer-hint',
        text: 'Tap where it hurts on the back or front of the leg, or use the buttons. Then tap Done.'}));
      var figure = el('div', {'class': 'cb-leg'});
      figure.appendChild(leg.node);
      scroller.appendChild(figure);
      this.answer.classList.add('cb-has-leg');
    } else {
      this.answer.appendChild(el('p', {'class': 'cb-answer-hint', text: 'Choose all that apply, then tap Done.'}));
    }
    var row = el('div', {'class': 'cb-choices'});
    choices.forEach(function (c) {
      var b = choiceButton(c, function () { toggle(c.id); }, false);
      buttons.push(b);
      row.appendChild(b);
    });
    scroller.appendChild(row);
    this.answer.appendChild(scroller);
    done = el('button', {type: 'button', 'class': 'cb-done', text: 'Done', disabled: true,
                         onclick: function () {
                           if (!self.selected.length) return;
                           var labels = self.selected.map(function (id) {
                             var c = choices.filter(function (x) { return x.id === id; })[0];
                             return c ? c.label : id;
                           });
                           if (self.send({choice: self.selected.join(',')})) {
                             self.addMe(labels.join(', '));
                             self.disableAnswer(true);
                           }
                         }});
    this.answer.appendChild(el('div', {'class': 'cb-choices cb-done-row'}, [done]));
    refresh();
  };

  Widget.prototype.renderNumber = function (q) {
    var self = this;
    var range = Array.isArray(q.range) ? q.range : [0, 10];
    var lo = Number(range[0]) || 0;
    var hi = Number(range[1]);
    if (!isFinite(hi)) hi = 10;
    if (hi - lo === SCALE_SPAN) {
      var scale = el('div', {'class': 'cb-scale', role: 'group',
                             'aria-label': 'Score from ' + lo + ' (no pain) to ' + hi + ' (worst pain)'});
      for (var n = lo; n <= hi; n += 1) {
        (function (value) {
          scale.appendChild(el('button', {type: 'button', 'class': 'cb-num', text: String(value),
                                          'data-choice': String(value),
                                          'aria-label': value + ' out of ' + hi,
                                          onclick: function () { self.sendText(String(value), value + ' out of ' + hi); }}));
        })(n);
      }
      this.answer.appendChild(scale);
      this.answer.appendChild(el('div', {'class': 'cb-scale-ends', 'aria-hidden': 'true'}, [
        el('span', {text: lo + ': no pain'}), el('span', {text: hi + ': worst pain'})
      ]));
      return;
    }
    // Any other number (an age): typed into the one text box, which offers a
    // number keypad on phones meanwhile.
    this.numberMode = true;
    this.input.setAttribute('inputmode', 'numeric');
    this.answer.appendChild(el('p', {'class': 'cb-answer-hint',
      text: 'Type the number in the box below (' + lo + ' to ' + hi + ').'}));
  };

  Widget.prototype.sendText = function (text, shown) {
    if (this.send({text: text})) {
      this.addMe(shown || text);
      this.disableAnswer(true);
      return true;
    }
    return false;
  };

  Widget.prototype.sendTyped = function () {
    var text = this.input.value.trim();
    if (!text) {
      this.input.focus();
      return;
    }
    if (this.sendText(text)) this.input.value = '';
  };

  Widget.prototype.command = function (word, shown) {
    if (this.finished) return;
    if (this.send({choice: word})) {
      this.addMe(shown);
      this.disableAnswer(true);
    }
  };

  // ------------------------------------------------------------------ mount

  function resolve(target) {
    if (!target) return null;
    return typeof target === 'string' ? document.querySelector(target) : target;
  }

  function mount(target, options) {
    options = options || {};
    var node = resolve(target);
    if (!node) {
      options.launcher = true;
      node = document.body;
    }
    return new Widget(node, options);
  }

  window.Calfbot = {version: 1, mount: mount};

  function auto() {
    if (!SCRIPT || SCRIPT.getAttribute('data-auto') === 'false') return;
    var opts = {
      server: SCRIPT.getAttribute('data-server') || undefined,
      title: SCRIPT.getAttribute('data-title') || undefined,
      intake: SCRIPT.getAttribute('data-intake') || undefined,
      session: SCRIPT.getAttribute('data-session') || undefined
    };
    mount(SCRIPT.getAttribute('data-mount'), opts);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', auto);
  else auto();
})();
