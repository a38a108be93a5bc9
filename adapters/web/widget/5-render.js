  // widget.js, part 5: bot messages on screen: questions, escalations, the outcome. The parts in adapters/web/widget/ are
  // joined in name order into the one widget.js the server serves
  // (adapters/web/CMakeLists.txt); each continues the previous one.

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
    this.host.setAttribute('data-staff', this.staff || '');
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
      case 'staff': this.renderStaff(msg); break;
      default: break;  // unknown message types are ignored
    }
    this.setWaiting(false);
    // After an error or a note (help, why) the same question stands: let the
    // patient answer it again. A new question replaces the controls anyway.
    if (msg.type === 'info' || msg.type === 'error') this.disableAnswer(false);
  };

  // A member of the clinic's staff (docs/console.md, "Handoff"): while one is
  // in charge the questions are paused (no answer controls), and what the
  // patient types goes to them.
  Widget.prototype.renderStaff = function (msg) {
    var name = String(msg.name || 'Clinic staff');
    if (msg.event === 'message') {
      this.append(el('div', {'class': 'cb-msg cb-staff'}, [
        el('span', {'class': 'cb-staff-name', text: name + ' (clinic)'}),
        el('span', {'class': 'cb-sr', text: ': '}), el('p', {text: msg.text || ''})
      ]));
      return;
    }
    this.addLine('cb-info cb-staff-event', msg.text || '');
    this.staff = msg.event === 'joined' ? name : null;
    this.backButton.hidden = this.restartButton.hidden = this.personButton.hidden = !!this.staff || this.finished;
    this.input.placeholder = this.staff ? 'Write to ' + name : 'Type your answer here';
    if (this.staff) {
      this.question = null;
      this.questionShown = false;
      this.answer.textContent = '';
    }
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
      this.personButton.hidden = false;
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
    this.personButton.hidden = true;
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
