  // widget.js, part 6: the answer controls: choices, the leg picture, numbers, typed text. The parts in adapters/web/widget/ are
  // joined in name order into the one widget.js the server serves
  // (adapters/web/CMakeLists.txt); each continues the previous one.

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

    // the choices scroll; "Done" stays in sight below them, and the leg
    // picture above them: it stays whole in sight while the patient goes
    // down the choices, so that it can be tapped at any time
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
      this.answer.appendChild(figure);
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
