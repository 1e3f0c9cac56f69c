// The review desk: the sentence grid and the editor of the active sentence, kept in the browser so
// moving between sentences costs no server round trip. Decisions and drafts travel to the page as
// the component's value: a queue of numbered events the server acknowledges (args.ack), so an
// event sent while the server is busy is never dropped. Edits are also kept in localStorage until
// the server has them, so a reload or a closed tab loses nothing.
(() => {
  "use strict";
  const grid = document.getElementById("grid");
  const namebar = document.getElementById("namebar");
  const nameInput = document.getElementById("reviewer-name");
  const sheet = document.getElementById("sheet");
  const statusLine = document.getElementById("status");
  const DEBOUNCE_MS = 300;
  let args = null;           // the latest arguments from the server
  let rows = [];             // args.rows
  let byId = new Map();
  let active = null;         // the open sentence's id
  let local = new Map();     // id -> {text, version}: what the editor holds when it differs from the server's
  let optimistic = new Map(); // id -> status shown until the server confirms a save
  let queue = [];            // events not yet acknowledged
  let seq = null;
  let focusSeen = -1;
  let pushSeen = new Map();
  let timers = new Map();
  let reviewer = "";
  let localNotes = new Map();
  let discarded = new Map(); // id -> {text, version}: the edit Esc, Discard or a refill threw away, one action from back
  let lastHeight = 0;
  let lastArgs = "";

  const send = (type, data) => window.parent.postMessage(Object.assign({isStreamlitMessage: true, type}, data), "*");
  const escape = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;", "'": "&#39;"}[c]));
  // A text with the search's hits (the server's [start, end] spans) marked.
  const marked = (text, spans) => {
    let out = "", at = 0;
    for (const [start, end] of spans || []) {
      out += escape(text.slice(at, start)) + `<mark class="hit-mark">${escape(text.slice(start, end))}</mark>`;
      at = end;
    }
    return out + escape(text.slice(at));
  };
  const storeKey = (row) => `bilingual:draft:${reviewer}:${row.hash}`;

  function flush() {
    send("streamlit:setComponentValue", {value: {seq, events: queue}, dataType: "json"});
  }

  function enqueue(event, replaceDraft = false) {
    if (replaceDraft) queue = queue.filter((e) => !(e.type === "draft" && e.id === event.id));
    seq += 1;
    queue.push(Object.assign({seq, active}, event));
    flush();
  }

  function editorText(row) {
    return local.has(row.id) ? local.get(row.id).text : row.text;
  }

  function isDirty(row) {
    return editorText(row) !== row.stored;
  }

  function keepLocally(row, text) {
    const version = local.has(row.id) ? local.get(row.id).version : row.version;
    local.set(row.id, {text, version});
    try {
      if (text === row.stored) localStorage.removeItem(storeKey(row));
      else localStorage.setItem(storeKey(row), JSON.stringify({text, version}));
    } catch (e) { /* private mode: the server's draft still keeps it */ }
  }

  function forget(row) {
    try { localStorage.removeItem(storeKey(row)); } catch (e) { /* nothing kept */ }
  }

  function scheduleDraft(row) {
    clearTimeout(timers.get(row.id));
    timers.set(row.id, setTimeout(() => sendDraft(row.id), DEBOUNCE_MS));
  }

  function sendDraft(id) {
    clearTimeout(timers.get(id));
    timers.delete(id);
    const row = byId.get(id);
    if (!row || !local.has(id)) return;
    const {text, version} = local.get(id);
    enqueue({type: "draft", id, text, version}, true);
  }

  function nextId(from, step, pendingOnly) {
    const ids = rows.map((r) => r.id);
    const start = ids.indexOf(from);
    for (let k = 1; k <= ids.length; k++) {
      const i = start + step * k;
      if (!pendingOnly && (i < 0 || i >= ids.length)) return null;
      const id = ids[((i % ids.length) + ids.length) % ids.length];
      const row = byId.get(id);
      if (!pendingOnly) return id;
      if (id !== from && (optimistic.get(id) || row.status) === "pending") return id;
    }
    return null;
  }

  function needReviewer(row) {
    if (reviewer) return false;
    localNotes.set(row.id, ["error", "Enter your name first: every decision carries the reviewer's name."]);
    namebar.hidden = false;
    render();
    nameInput.focus();
    return true;
  }

  function open(id, {flushLeaving = true} = {}) {
    if (id === null || id === undefined) return;
    if (flushLeaving && active !== null && timers.has(active)) sendDraft(active);
    active = id;
    render(true);
    enqueue({type: "open", id});
  }

  function save(row, acceptMt) {
    if (needReviewer(row)) return;
    const text = acceptMt ? row.mt : editorText(row);
    if (acceptMt && row.mt === null) {
      localNotes.set(row.id, ["error", "This sentence has no machine translation to accept."]);
      render();
      return;
    }
    const version = local.has(row.id) ? local.get(row.id).version : row.version;
    clearTimeout(timers.get(row.id));
    timers.delete(row.id);
    queue = queue.filter((e) => !(e.type === "draft" && e.id === row.id));
    local.set(row.id, {text, version});
    forget(row);
    optimistic.set(row.id, text === row.mt ? "accepted" : "corrected");
    const next = nextId(row.id, 1, true);
    if (next !== null) active = next;
    render(true);
    enqueue({type: acceptMt ? "accept" : "save", id: row.id, text, version});
  }

  function stash(row, kept) {
    if (kept && kept.text !== row.stored) discarded.set(row.id, {text: kept.text, version: kept.version});
  }

  function discard(row) {
    const text = editorText(row);
    stash(row, {text, version: local.has(row.id) ? local.get(row.id).version : row.version});
    clearTimeout(timers.get(row.id));
    timers.delete(row.id);
    queue = queue.filter((e) => !(e.type === "draft" && e.id === row.id));
    local.set(row.id, {text: row.stored, version: row.version});
    forget(row);
    localNotes.set(row.id, ["info", discarded.has(row.id) ? "Unsaved edit discarded (Ctrl+Z or Undo discard brings it back)."
      : "Unsaved edit discarded."]);
    render();
    enqueue({type: "discard", id: row.id});
  }

  function undoDiscard(row) {
    const back = discarded.get(row.id);
    if (!back) return false;
    // A swap, not an overwrite: whatever the editor holds now can come back the same way.
    discarded.delete(row.id);
    stash(row, {text: editorText(row), version: local.has(row.id) ? local.get(row.id).version : row.version});
    local.set(row.id, {text: back.text, version: back.version});
    keepLocally(row, back.text);
    sendDraft(row.id);
    localNotes.set(row.id, ["info", "Discarded edit brought back."]);
    render(true);
    return true;
  }

  // ------------------------------------------------------------------ drawing

  function statusOf(row) {
    return optimistic.get(row.id) || row.status;
  }

  function line(row) {
    const el = document.createElement("div");
    el.className = "desk-row";
    el.dataset.id = row.id;
    el.dataset.status = statusOf(row);
    el.setAttribute("role", "listitem");
    const flags = [];
    if (isDirty(row) && !optimistic.has(row.id)) flags.push('<span class="unsaved-flag" title="unsaved edit">●</span>');
    if (row.qa.length) flags.push(`<span class="qa-flag" title="${escape(row.qa.map((w) => w.message).join("; "))}">⚠ ${row.qa.length}</span>`);
    el.innerHTML = `<span class="label" title="${escape(row.tip)}">${escape(row.label)}</span>`
      + `<span class="da" title="${escape(row.source)}">${marked(row.source, row.hits.source)}</span>`
      + `<span class="en">${row.english === null ? '<span class="muted">—</span>' : marked(row.english, row.hits.english)}</span>`
      + `<span class="flags">${flags.join(" ")}</span>`;
    el.addEventListener("click", () => open(row.id));
    return el;
  }

  function activeRow(row) {
    const el = document.createElement("div");
    el.className = "desk-row active";
    el.dataset.id = row.id;
    el.dataset.status = statusOf(row);
    const text = editorText(row);
    const dirty = isDirty(row) && !optimistic.has(row.id);
    const status = statusOf(row);
    const head = [`<strong title="${escape(row.tip)}">${escape(row.label)}</strong>`,
      `<span class="badge status-${status}">${escape(status)}</span>`];
    if (row.version) head.push(`<span class="muted">v${row.version}${row.reviewer ? " by " + escape(row.reviewer) : ""} · ${escape(row.updated)}</span>`);
    if (row.reason) head.push(`<span class="muted">reason: ${escape(row.reason)}</span>`);
    if (dirty) head.push('<span class="badge unsaved">● unsaved changes</span>');
    head.push(...[...new Set(row.qa.map((w) => w.label))].map((l) => `<span class="badge qa">⚠ ${escape(l)}</span>`));
    const edited = row.mt !== null && text !== row.mt;
    // The MT is shown once: in the editor while unchanged, else as a word diff against the editor's text.
    const mt = row.mt === null ? '<span class="muted">no machine translation yet</span>'
      : (edited ? (row.diff || escape(row.mt)) : '<span class="muted">unchanged in the editor</span>');
    const terms = row.terms.map(([da, en, ok], i) =>
      `<button type="button" class="term ${ok ? "ok" : "missing"}" data-term="${i}" `
      + `title="Insert “${escape(en)}” at the cursor">${ok ? "✓" : "✗"} ${escape(da)} → ${escape(en)}</button>`).join(" ");
    const memory = row.memory.map((m, i) => `<div class="hit">Translation memory ${m.score}% · ${escape(m.status)}`
      + `${m.by ? " by " + escape(m.by) : ""}<br><span class="muted">${m.diff}</span><br>→ ${escape(m.target)} `
      + `<button type="button" data-use="${i}">Use this</button></div>`).join("");
    const match = row.match ? `<div class="match"><span class="muted">English match:</span> ${escape(row.match.text)}`
      + ` <span class="muted">${escape(row.match.where)}score ${row.match.score} · ${escape(row.match.status)}</span></div>`
      : `<div class="match muted">no English match</div>`;
    const note = localNotes.get(row.id) || row.note;
    const conflict = row.conflict ? `<div class="conflict">Someone else saved this sentence after you opened it. `
      + `Your text is still in the editor; nothing was overwritten.<br><strong>Yours</strong>: ${escape(row.conflict.mine)}`
      + `<br><strong>Theirs</strong> (${escape(row.conflict.status)}, v${row.conflict.version}, ${escape(row.conflict.by)}): `
      + `${escape(row.conflict.theirs)}<div class="actions"><button type="button" data-act="keep">Keep mine</button>`
      + `<button type="button" data-act="take">Take theirs</button></div></div>` : "";
    const saveLabel = primaryLabel(row, text);
    el.innerHTML = `<div class="head">${head.join(" ")}</div>`
      + `<div class="cols"><div><div class="source">${marked(row.source, row.hits.source)}</div>`
      + `<div class="mt"><span class="muted">MT${edited ? " → your text" : ""}:</span> ${mt}</div>`
      + (terms ? `<div class="terms">${terms}</div>` : "") + memory + "</div>"
      + `<div><textarea rows="1" aria-label="Final English" placeholder="Type the English translation" spellcheck="true"></textarea>`
      + `<div class="actions">`
      + `<button type="button" class="primary" data-act="save" title="Save this text and open the next pending sentence (Ctrl+Enter)">${saveLabel}</button>`
      + `<button type="button" data-act="accept" title="Accept the machine translation unchanged and open the next pending sentence (Ctrl+Shift+Enter)"${row.mt === null ? " disabled" : ""}>Use MT & next</button>`
      + `<button type="button" data-act="discard" title="Discard the unsaved edit (Esc)"${dirty ? "" : " disabled"}>Discard edit</button>`
      + (discarded.has(row.id) ? `<button type="button" data-act="undo" title="Bring back the discarded edit (Ctrl+Z)">Undo discard</button>` : "")
      + `<button type="button" data-act="prev" title="Previous sentence, the edit kept as a draft (Ctrl+↑)">↑ Prev</button>`
      + `<button type="button" data-act="next" title="Next sentence, the edit kept as a draft (Ctrl+↓)">↓ Next</button>`
      + `<button type="button" data-act="sheet" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button></div>`
      + (row.qa.length ? `<div class="qa-list">QA: ${row.qa.map((w) => escape(w.message)).join(" · ")}</div>` : "")
      + (note ? `<div class="note note-${note[0]}">${escape(note[1])}</div>` : "")
      + conflict + match + "</div></div>";
    const area = el.querySelector("textarea");
    area.value = text;
    area.addEventListener("input", () => {
      keepLocally(row, area.value);
      grow(area);
      scheduleDraft(row);
      refreshMarkers(el, row);
    });
    area.addEventListener("keydown", (event) => onEditorKey(event, row));
    el.querySelectorAll("button[data-act]").forEach((b) => b.addEventListener("click", () => {
      const act = b.dataset.act;
      if (act === "save") save(row, false);
      else if (act === "accept") save(row, true);
      else if (act === "discard") discard(row);
      else if (act === "undo") undoDiscard(row);
      else if (act === "prev") open(nextId(row.id, -1, false));
      else if (act === "next") open(nextId(row.id, 1, false));
      else if (act === "sheet") toggleSheet();
      else if (act === "keep") { if (!needReviewer(row)) enqueue({type: "save", id: row.id, text: editorText(row), version: row.conflict.version}); }
      else if (act === "take") { local.set(row.id, {text: row.conflict.theirs, version: row.conflict.version}); forget(row); enqueue({type: "take", id: row.id}); render(); }
    }));
    el.querySelectorAll("button[data-term]").forEach((b) => {
      // The editor keeps its focus and cursor through the click, so the term lands where the reviewer was typing.
      b.addEventListener("mousedown", (event) => event.preventDefault());
      b.addEventListener("click", () => insertAtCursor(area, row, row.terms[Number(b.dataset.term)][1]));
    });
    el.querySelectorAll("button[data-use]").forEach((b) => b.addEventListener("click", () => {
      keepLocally(row, row.memory[Number(b.dataset.use)].target);
      sendDraft(row.id);
      render();
    }));
    return el;
  }

  function insertAtCursor(area, row, text) {
    // A selection is replaced by the term; a space is added where the term would touch a word.
    const start = area.selectionStart, end = area.selectionEnd, value = area.value;
    const before = start > 0 && /\S/.test(value[start - 1]) ? " " : "";
    const after = end < value.length && /\w/.test(value[end]) ? " " : "";
    area.focus({preventScroll: true});
    area.setRangeText(before + text + after, start, end);
    const caret = start + before.length + text.length;  // right after the term, where typing goes on
    area.setSelectionRange(caret, caret);
    keepLocally(row, area.value);
    grow(area);
    scheduleDraft(row);
    refreshMarkers(area.closest(".desk-row"), row);
  }

  // The words selected in the active sentence: in the editor (English) or in the Danish source.
  function selectedPhrase() {
    const area = grid.querySelector(".desk-row.active textarea");
    if (area && document.activeElement === area && area.selectionStart !== area.selectionEnd) {
      return {text: area.value.slice(area.selectionStart, area.selectionEnd), lang: "en"};
    }
    const selection = window.getSelection();
    const text = selection ? selection.toString() : "";
    if (!text.trim() || !selection.anchorNode) return null;
    const source = selection.anchorNode.parentElement && selection.anchorNode.parentElement.closest(".source, .da");
    return {text, lang: source ? "da" : "en"};
  }

  function searchSelection() {
    const phrase = selectedPhrase();
    if (active === null) return;
    if (!phrase || !phrase.text.trim()) {
      localNotes.set(active, ["info", "Select a word or phrase in the Danish sentence or the editor first (Ctrl+Shift+F searches it)."]);
      render(true);
      return;
    }
    enqueue({type: "concordance", id: active, text: phrase.text.trim().slice(0, 200), lang: phrase.lang});
  }

  function refreshMarkers(el, row) {
    // Typing redraws nothing but the marker and the buttons' labels: the editor keeps its cursor.
    const dirty = isDirty(row);
    const head = el.querySelector(".head");
    let badge = head.querySelector(".unsaved");
    if (dirty && !badge) head.insertAdjacentHTML("beforeend", ' <span class="badge unsaved">● unsaved changes</span>');
    if (!dirty && badge) badge.remove();
    el.querySelector('[data-act="discard"]').disabled = !dirty;
    const text = editorText(row);
    const saveButton = el.querySelector('[data-act="save"]');
    saveButton.textContent = primaryLabel(row, text);
    resize();
  }

  // What Ctrl+Enter does with this text, in the button's words.
  function primaryLabel(row, text) {
    if (text === row.stored && row.version) return "Keep & next";
    return text === row.mt ? "Accept & next" : "Save & next";
  }

  function grow(area) {
    area.style.height = "auto";
    area.style.height = `${area.scrollHeight + 2}px`;
  }

  function render(wantFocus = false) {
    const focused = document.activeElement && document.activeElement.tagName === "TEXTAREA";
    const previous = grid.querySelector(".desk-row.active textarea");
    const selection = previous ? [previous.selectionStart, previous.selectionEnd, previous.closest(".desk-row").dataset.id] : null;
    grid.replaceChildren(...rows.map((row) => (row.id === active ? activeRow(row) : line(row))));
    // What became of the sentences left behind (saved, refused, nothing to save) stays in view above the grid.
    const left = rows.filter((r) => r.id !== active && r.note).map((r) =>
      `<span class="note-${r.note[0]}">${escape(r.label)}: ${escape(r.note[1])}</span>`);
    if (left.length) statusLine.innerHTML = left.join(" · ");
    const area = grid.querySelector(".desk-row.active textarea");
    if (area) {
      grow(area);
      requestAnimationFrame(() => { grow(area); resize(); });
      if (selection && String(active) === selection[2]) area.setSelectionRange(selection[0], selection[1]);
      else area.setSelectionRange(area.value.length, area.value.length);
      const elsewhere = document.activeElement && document.activeElement.tagName === "INPUT";
      if ((focused || wantFocus) && !elsewhere) area.focus({preventScroll: true});
      area.closest(".desk-row").scrollIntoView({block: "nearest"});
    }
    resize();
  }

  function resize() {
    // The body's own height: the document's would include the frame's, and grow with each call.
    const height = Math.ceil(document.body.getBoundingClientRect().height) + 4;
    if (height !== lastHeight) { lastHeight = height; send("streamlit:setFrameHeight", {height}); }
  }

  // ------------------------------------------------------------------ keys

  function onEditorKey(event, row) {
    const ctrl = event.ctrlKey || event.metaKey;
    let handled = true;
    if (ctrl && event.key === "Enter") save(row, event.shiftKey);
    else if (ctrl && event.key === "ArrowDown") open(nextId(row.id, 1, false));
    else if (ctrl && event.key === "ArrowUp") open(nextId(row.id, -1, false));
    else if (event.altKey && (event.key === "n" || event.key === "N" || event.code === "KeyN")) open(nextId(row.id, 1, true));
    else if (event.key === "Escape" && !sheet.hidden) toggleSheet();
    else if (event.key === "Escape") discard(row);
    else if (ctrl && event.shiftKey && (event.key === "f" || event.key === "F" || event.code === "KeyF")) searchSelection();
    // Ctrl+Z right after a discard brings the edit back; once typing resumes it is the editor's own undo.
    else if (ctrl && !event.shiftKey && (event.key === "z" || event.key === "Z") && editorText(row) === row.stored
             && discarded.has(row.id)) undoDiscard(row);
    else handled = false;
    if (handled) { event.preventDefault(); event.stopPropagation(); }
  }

  function toggleSheet() {
    sheet.hidden = !sheet.hidden;
    if (!sheet.hidden) document.getElementById("sheet-close").focus();
    else { const area = grid.querySelector(".desk-row.active textarea"); if (area) area.focus(); }
  }

  function onPageKey(event) {
    const target = event.target;
    const typing = target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT");
    if (event.key === "?" && !typing) { event.preventDefault(); toggleSheet(); }
    else if (event.key === "Escape" && !sheet.hidden) toggleSheet();
    else if (event.altKey && event.code === "KeyN" && active !== null) { event.preventDefault(); open(nextId(active, 1, true)); }
    else if ((event.ctrlKey || event.metaKey) && event.shiftKey && event.code === "KeyF" && !typing) {
      event.preventDefault(); searchSelection();
    }
    else if ((event.ctrlKey || event.metaKey) && !event.shiftKey && (event.key === "z" || event.key === "Z") && !typing
             && active !== null && byId.has(active) && undoDiscard(byId.get(active))) event.preventDefault();
  }
  document.addEventListener("keydown", onPageKey);
  // The frame changes width (the sidebar folds, the window is resized): the editor's height follows.
  window.addEventListener("resize", () => {
    const area = grid.querySelector(".desk-row.active textarea");
    if (area) grow(area);
    resize();
  });
  try { window.parent.document.addEventListener("keydown", onPageKey); } catch (e) { /* another origin */ }
  document.getElementById("sheet-close").addEventListener("click", toggleSheet);

  function setReviewer(name) {
    name = name.trim();
    if (!name) { document.getElementById("namebar-note").textContent = "A name is needed."; return; }
    try { localStorage.setItem("bilingual:reviewer", name); } catch (e) { /* the address keeps it */ }
    reviewer = name;
    namebar.hidden = true;
    localNotes.clear();
    enqueue({type: "reviewer", name});
    render();
  }
  document.getElementById("reviewer-ok").addEventListener("click", () => setReviewer(nameInput.value));
  nameInput.addEventListener("keydown", (e) => { if (e.key === "Enter") setReviewer(nameInput.value); });

  // Leaving the page: whatever is waiting is sent now (the localStorage copy covers a page that closes first).
  window.addEventListener("pagehide", () => { for (const id of [...timers.keys()]) sendDraft(id); });

  // ------------------------------------------------------------------ the server's arguments

  function onRender(newArgs) {
    const first = args === null;
    args = newArgs;
    const before = byId;
    rows = args.rows;
    byId = new Map(rows.map((r) => [r.id, r]));
    if (first) seq = args.ack;
    queue = queue.filter((e) => e.seq > args.ack);
    if (args.reviewer) { reviewer = args.reviewer; namebar.hidden = true; }
    else if (!reviewer) {
      let remembered = null;
      try { remembered = localStorage.getItem("bilingual:reviewer"); } catch (e) { /* none */ }
      if (remembered) setReviewer(remembered);
      else { namebar.hidden = false; }
    }
    const pendingIds = new Set(queue.map((e) => e.id));
    for (const row of rows) {
      if (row.push && row.push.n > (pushSeen.get(row.id) || 0)) {
        pushSeen.set(row.id, row.push.n);
        // A refill (Reset to MT, Copy source, Restore) replaces the edit: it is kept like a discarded one.
        if (!first) {
          const old = before.get(row.id);
          stash(row, local.has(row.id) ? local.get(row.id) : old && {text: old.text, version: old.version});
          if (discarded.has(row.id) && discarded.get(row.id).text === row.push.text) discarded.delete(row.id);
        }
        local.set(row.id, {text: row.push.text, version: row.version});
      }
      if (!pendingIds.has(row.id)) optimistic.delete(row.id);
      const mine = local.get(row.id);
      if (mine && mine.text === row.stored && !row.unsaved && !pendingIds.has(row.id)) { local.delete(row.id); forget(row); }
      if (!local.has(row.id) && reviewer) {
        // Typing the server never received (the page closed first) comes back from this browser.
        let kept = null;
        try { kept = JSON.parse(localStorage.getItem(storeKey(row)) || "null"); } catch (e) { kept = null; }
        if (kept && kept.text !== row.text && kept.text !== row.stored) {
          local.set(row.id, kept);
          enqueue({type: "draft", id: row.id, text: kept.text, version: kept.version}, true);
        } else if (kept) forget(row);
      }
    }
    for (const id of [...local.keys()]) if (!byId.has(id)) local.delete(id);
    let forced = false;
    if (args.focus && args.focus.n !== focusSeen) {
      focusSeen = args.focus.n;
      forced = Boolean(args.focus.force);
      if (first || forced || !byId.has(active)) active = args.focus.id;
    }
    if (!byId.has(active)) active = rows.length ? rows[0].id : null;
    for (const key of [...localNotes.keys()]) if (!first && key !== active) localNotes.delete(key);
    render(first || forced);
  }

  window.addEventListener("message", (event) => {
    if (!event.data || event.data.type !== "streamlit:render") return;
    // The page sends the same arguments again when the frame changes size: nothing to redraw then.
    const json = JSON.stringify(event.data.args);
    if (json === lastArgs) return;
    lastArgs = json;
    onRender(event.data.args);
  });
  // On a small screen the page's sidebar folds away once per visit, to give the desk the width;
  // its own button opens it again.
  try {
    const parent = window.parent;
    if (parent.innerWidth < 1200 && !parent.sessionStorage.getItem("bilingual:sidebar-folded")) {
      parent.sessionStorage.setItem("bilingual:sidebar-folded", "1");
      const fold = parent.document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (fold) fold.click();
    }
  } catch (e) { /* another origin: the sidebar stays as it is */ }
  send("streamlit:componentReady", {apiVersion: 1});
})();
