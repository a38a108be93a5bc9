  // widget.js, part 4: the transcript kept in the tab and the WebSocket connection. The parts in adapters/web/widget/ are
  // joined in name order into the one widget.js the server serves
  // (adapters/web/CMakeLists.txt); each continues the previous one.

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
    // Until a reply comes (see receive()); a member of staff replies in their
    // own time, so nothing is awaited while one is in charge.
    this.pending = this.staff ? null : payload;
    this.setWaiting(!this.staff);
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
    this.personButton.hidden = false;
    this.staff = null;
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
