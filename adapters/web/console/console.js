// calfbot clinic console (docs/console.md): log in, watch the clinic's
// intakes live (server-sent events), open one on its summary and transcript,
// and talk to its patient (take over, write, hand back to the bot).
// Plain DOM, no libraries; every text from the server goes in as textContent.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { csrf: "", levels: null, requests: null, events: null, audio: null, openId: "" };

  function show(view) {
    for (const v of ["login-view", "list-view", "detail-view"]) $(v).hidden = v !== view;
    $("who").hidden = $("logout").hidden = view === "login-view";
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  async function api(path, options) {
    const o = Object.assign({ credentials: "same-origin", headers: {} }, options || {});
    if (o.method && o.method !== "GET") o.headers["X-CSRF-Token"] = state.csrf;
    const r = await fetch(path, o);
    const body = await r.json().catch(() => ({}));
    if (r.status === 401 && path !== "/console/login") {
      loggedOut();
      throw new Error(body.text || "Please log in.");
    }
    if (!r.ok) throw new Error(body.text || "The request failed (" + r.status + ").");
    return body;
  }

  // A short two-note tone (WebAudio), started from the login click so the
  // browser allows it.
  function beep() {
    const ctx = state.audio;
    if (!ctx) return;
    document.body.dataset.tones = String(Number(document.body.dataset.tones || 0) + 1);
    if (ctx.state === "suspended") ctx.resume();
    [880, 660].forEach((f, i) => {
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = f;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(ctx.destination);
      const t = ctx.currentTime + i * 0.2;
      osc.start(t);
      osc.stop(t + 0.18);
    });
  }

  function loggedIn(session) {
    state.csrf = session.csrf_token;
    $("who").textContent = session.staff.name;
    show("list-view");
    listen();
  }

  function loggedOut() {
    state.csrf = "";
    state.levels = null;
    state.requests = null;
    if (state.events) state.events.close();
    state.events = null;
    show("login-view");
  }

  function listen() {
    if (state.events) state.events.close();
    const es = new EventSource("/console/api/events");
    state.events = es;
    // (Re)connected: what changed meanwhile is read again.
    es.onopen = () => { $("live").textContent = "Live"; refresh(); };
    es.addEventListener("intake", (e) => {
      refresh();
      try {
        if (JSON.parse(e.data).id === state.openId) openIntake(state.openId);
      } catch (err) { /* an event without JSON data changes nothing more */ }
    });
    es.onerror = () => { $("live").textContent = "Reconnecting…"; };
  }

  const LEVEL_WORDS = { emergency: "Emergency", urgent: "Urgent" };
  const STATUS_WORDS = { pending: "Not started", in_progress: "In progress", completed: "Completed",
                         expired: "Expired", revoked: "Withdrawn" };

  function intakeItem(i) {
    const li = el("li", i.level || "");
    const b = el("button");
    b.type = "button";
    b.dataset.id = i.id;
    const top = el("span");
    top.append(el("span", "ref", i.patient_ref || "No reference"), " ");
    if (i.level) top.append(el("span", "badge " + i.level, LEVEL_WORDS[i.level]), " ");
    const h = i.handoff || {};
    if (h.requested) top.append(el("span", "badge person", "Asks for a person"), " ");
    if (h.staff) top.append(el("span", "badge person", "With " + h.staff), " ");
    top.append(el("span", "badge status", STATUS_WORDS[i.status] || i.status));
    b.append(top, el("span", "muted", "Created " + new Date(i.created_at).toLocaleString()));
    b.addEventListener("click", () => openIntake(i.id));
    li.append(b);
    return li;
  }

  // Escalations since the last look: an intake whose level rose.
  function newlyEscalated(list) {
    const rank = { emergency: 2, urgent: 1 };
    const before = state.levels;
    state.levels = new Map(list.map((i) => [i.id, i.level || ""]));
    if (!before) return [];
    return list.filter((i) => (rank[i.level] || 0) > (rank[before.get(i.id)] || 0));
  }

  // Patients who asked for a person since the last look.
  function newlyRequested(list) {
    const before = state.requests;
    state.requests = new Set(list.filter((i) => i.handoff && i.handoff.requested).map((i) => i.id));
    if (!before) return [];
    return list.filter((i) => state.requests.has(i.id) && !before.has(i.id));
  }

  function raiseAlert(text) {
    $("alert").textContent = text;
    $("alert").hidden = false;
    beep();
  }

  async function refresh() {
    let body;
    try {
      body = await api("/console/api/intakes");
    } catch (err) {
      $("live").textContent = err.message;
      return;
    }
    const list = body.intakes;
    $("intakes").replaceChildren(...list.map(intakeItem));
    $("empty").hidden = list.length > 0;
    const raised = newlyEscalated(list);
    const asking = newlyRequested(list);
    if (raised.length) {
      const i = raised[0];
      raiseAlert(LEVEL_WORDS[i.level] + ": intake " + (i.patient_ref || i.id) + " has escalated. Open it below.");
    } else if (asking.length) {
      const i = asking[0];
      raiseAlert("Intake " + (i.patient_ref || i.id) + ": the patient asks to talk to someone. Open it below.");
    }
  }

  function listOf(items, text) {
    const ul = el("ul");
    for (const it of items || []) ul.append(el("li", "", text(it)));
    return ul;
  }

  function card(title, ...children) {
    const c = el("section", "card");
    c.append(el("h3", "", title), ...children);
    return c;
  }

  function words(x) {
    if (x === null || x === undefined) return "";
    if (typeof x !== "object") return String(x);
    return x.label || x.text || x.name || x.finding || JSON.stringify(x);
  }

  function renderSummary(s) {
    const out = [];
    const triage = el("p", "triage", "Triage: " + s.triage + (s.escalation ? " (escalated: " + s.escalation + ")" : ""));
    out.push(card("Triage", triage, el("p", "", s.complete ? "Questions completed." : "Questions not finished.")));
    const flags = (s.red_flags || []).filter((f) => f.holds_now);
    out.push(card("Red flags", flags.length ? listOf(flags, (f) => f.level + ": " + f.text) : el("p", "", "None raised.")));
    const causes = el("ol");
    for (const c of s.causes || []) {
      const li = el("li", "", c.name);
      if ((c.for || []).length) li.append(listOf(c.for, (r) => "For: " + words(r)));
      if ((c.against || []).length) li.append(listOf(c.against, (r) => "Against: " + words(r)));
      causes.append(li);
    }
    out.push(card("Likely causes, ranked", causes));
    const w = s.wells || {};
    out.push(card("Wells score (DVT): " + (w.total !== undefined ? w.total : "n/a"),
                  listOf(w.parts, (p) => words(p) + (p.points !== undefined ? " (" + p.points + ")" : "") +
                                         (p.answer ? ": " + p.answer : ""))));
    $("summary").replaceChildren(...out);
  }

  function messageText(m) {
    const msg = m.message || {};
    return msg.text || msg.choice || msg.type || "";
  }

  function author(m) {
    const msg = m.message || {};
    if (m.direction === "in") return "Patient";
    return msg.type === "staff" && msg.event === "message" ? msg.name + " (staff)" : "calfbot";
  }

  // The handoff controls as the intake stands: who is in charge.
  function renderHandoff(intake) {
    const h = intake.handoff || {};
    const open = intake.status === "in_progress" || intake.status === "pending";
    $("handoff-state").textContent = h.staff ? h.staff + " is talking to the patient; calfbot's questions are paused."
        : h.requested ? "The patient asks to talk to someone." : "calfbot is asking the questions.";
    $("take-over").hidden = !!h.staff || !open;
    $("staff-form").hidden = $("hand-back").hidden = !h.staff;
  }

  async function handoff(what, body) {
    $("handoff-error").textContent = "";
    const id = state.openId;
    try {
      await api("/console/api/intakes/" + id + "/" + what, body === undefined ? { method: "POST" } : {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      await openIntake(id);
      return true;
    } catch (err) {
      $("handoff-error").textContent = err.message;
      return false;
    }
  }

  async function sendStaffText(e) {
    e.preventDefault();
    const text = $("staff-text").value.trim();
    if (!text) return;
    if (await handoff("messages", { text })) $("staff-text").value = "";
  }

  async function openIntake(id) {
    state.openId = id;
    try {
      const [intake, summary, transcript] = await Promise.all([
        api("/console/api/intakes/" + id), api("/console/api/intakes/" + id + "/summary"),
        api("/console/api/intakes/" + id + "/transcript")]);
      $("detail-title").textContent = "Intake " + (intake.patient_ref || intake.id);
      $("detail-meta").textContent = (STATUS_WORDS[intake.status] || intake.status) +
          (intake.level ? " · " + LEVEL_WORDS[intake.level] : "");
      $("report-link").href = intake.links.summary_html;
      $("fhir-link").href = intake.links.fhir;
      renderSummary(summary);
      $("transcript").replaceChildren(...transcript.messages.map((m) => {
        const li = el("li", m.direction + (author(m).endsWith("(staff)") ? " staff" : ""));
        li.append(el("span", "who-line", author(m)), messageText(m));
        return li;
      }));
      renderHandoff(intake);
      if ($("detail-view").hidden) {
        show("detail-view");
        $("detail-title").focus();
      }
    } catch (err) {
      $("live").textContent = err.message;
    }
  }

  // Browsers let a page play sound once the user did something on it.
  function allowSound() {
    if (!state.audio && window.AudioContext) state.audio = new AudioContext();
    if (state.audio && state.audio.state === "suspended") state.audio.resume();
  }

  async function login(e) {
    e.preventDefault();
    allowSound();
    $("login-error").textContent = "";
    try {
      const session = await api("/console/login", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: $("email").value, password: $("password").value }) });
      $("password").value = "";
      loggedIn(session);
    } catch (err) {
      $("login-error").textContent = err.message;
    }
  }

  async function logout() {
    try { await api("/console/logout", { method: "POST" }); } catch (err) { /* logged out anyway */ }
    loggedOut();
  }

  function start() {
    $("detail-title").tabIndex = -1;
    $("login-form").addEventListener("submit", login);
    document.addEventListener("pointerdown", allowSound);
    document.addEventListener("keydown", allowSound);
    $("logout").addEventListener("click", logout);
    $("back").addEventListener("click", () => { state.openId = ""; show("list-view"); });
    $("take-over").addEventListener("click", () => handoff("take-over"));
    $("hand-back").addEventListener("click", () => handoff("hand-back"));
    $("staff-form").addEventListener("submit", sendStaffText);
    api("/console/api/session").then(loggedIn, () => show("login-view"));
  }

  start();
}());
