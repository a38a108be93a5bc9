  // widget.js, part 3: the widget: its parts, the launcher, opening and closing. The parts in adapters/web/widget/ are
  // joined in name order into the one widget.js the server serves
  // (adapters/web/CMakeLists.txt); each continues the previous one.

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
    // A person (docs/console.md, "Handoff"): the same words a patient may type.
    this.personButton = el('button', {type: 'button', 'class': 'cb-link', text: 'Talk to someone',
                                      onclick: function () { self.sendText(PERSON_WORDS, 'Talk to someone'); }});
    var tools = el('div', {'class': 'cb-tools'},
                   [this.backButton, this.restartButton, this.personButton, this.newButton]);

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
