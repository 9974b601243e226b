// Instrument forms: conditional questions, and drafts that survive a closed browser or a lost connection.
// Everything also works without JavaScript (the server checks conditions and keeps drafts on "Save").
(function () {
  "use strict";
  var form = document.getElementById("instrument-form");
  if (!form) return;
  var status = document.getElementById("concept-status");
  var key = form.getAttribute("data-draft-key");
  var texts = {
    restored: form.getAttribute("data-text-restored") || "",
    saved: form.getAttribute("data-text-saved") || "",
    offline: form.getAttribute("data-text-offline") || ""
  };

  // --- conditions (same tree as instruments/definition.py evaluate()) ---
  function valueOf(scope, name) {
    var row = scope && scope.closest("[data-row]");
    var inputs = [];
    if (row) inputs = row.querySelectorAll("[name$='__" + name + "']");
    if (!inputs.length) inputs = form.querySelectorAll("[name='" + name + "']");
    var values = [];
    var multiple = false;
    inputs.forEach(function (input) {
      if (input.type === "checkbox") { multiple = true; if (input.checked) values.push(input.value); }
      else if (input.type === "radio") { if (input.checked) values.push(input.value); }
      else values.push(input.value.trim());
    });
    return multiple ? values : (values[0] || "");
  }
  function num(v) { var n = parseFloat(v); return (String(v).trim() !== "" && !isNaN(n)) ? n : null; }
  function evaluate(t, scope) {
    switch (t[0]) {
      case "ref": return valueOf(scope, t[1]);
      case "lit": return t[1];
      case "count": var v = valueOf(scope, t[1]); return Array.isArray(v) ? v.length : (v ? 1 : 0);
      case "not": return !evaluate(t[1], scope);
      case "and": return !!evaluate(t[1], scope) && !!evaluate(t[2], scope);
      case "or": return !!evaluate(t[1], scope) || !!evaluate(t[2], scope);
      case "truthy": var x = evaluate(t[1], scope); return !(x === "" || x === 0 || x === "0" || (Array.isArray(x) && !x.length));
      case "selected": var s = valueOf(scope, t[1]); return Array.isArray(s) ? s.indexOf(t[2]) >= 0 : s === t[2];
      case "cmp":
        var l = evaluate(t[2], scope), r = evaluate(t[3], scope);
        if (Array.isArray(l)) l = l.join(" ");
        var ln = num(l), rn = num(r);
        if (ln !== null && rn !== null) { l = ln; r = rn; }
        else if (t[1] !== "=" && t[1] !== "!=") return false;
        else { l = String(l); r = String(r); }
        return { "=": l === r, "!=": l !== r, ">": l > r, ">=": l >= r, "<": l < r, "<=": l <= r }[t[1]];
    }
    return true;
  }
  function applyConditions() {
    form.querySelectorAll("[data-condition]").forEach(function (el) {
      var show = true;
      try { show = !!evaluate(JSON.parse(el.getAttribute("data-condition")), el); } catch (e) { show = true; }
      el.hidden = !show;
    });
  }

  // --- drafts ---
  function snapshot() {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") entries.push([name, value]);
    });
    return entries;
  }
  function store(synced) {
    try {
      localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), synced: synced, entries: snapshot() }));
    } catch (e) { /* storage full or blocked: the server draft still works */ }
  }
  function restore() {
    var record;
    try { record = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { record = null; }
    if (!record || record.synced || !record.entries) return false;
    var byName = {};
    record.entries.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || !(input.name in byName) || input.name === "csrfmiddlewaretoken") return;
      if (input.name.slice(-6) === "__rows") return;  // rows follow the page the server built
      var values = byName[input.name];
      if (input.type === "checkbox" || input.type === "radio") input.checked = values.indexOf(input.value) >= 0;
      else if (input.type !== "submit") input.value = values[0];
    });
    return true;
  }
  var dirty = false;
  function say(text) { if (status) status.textContent = text; }
  function autosave() {
    if (!dirty) return;
    if (!navigator.onLine) { say(texts.offline); return; }
    var data = new FormData(form);
    data.set("actie", "opslaan");
    fetch(window.location.pathname, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-Autosave": "1" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (result) {
      form.querySelector("[name='concept']").value = result.concept;
      dirty = false;
      store(true);
      var now = new Date();
      say(texts.saved.replace("%s", now.getHours() + ":" + String(now.getMinutes()).padStart(2, "0")));
    }).catch(function () { say(texts.offline); });
  }

  form.addEventListener("input", function () { dirty = true; applyConditions(); store(false); });
  form.addEventListener("change", function () { dirty = true; applyConditions(); store(false); });
  form.addEventListener("submit", function () { store(false); });
  window.addEventListener("online", autosave);
  setInterval(autosave, 8000);

  if (restore()) { dirty = true; say(texts.restored); }
  applyConditions();
  var summary = document.getElementById("fouten");
  if (summary) summary.focus();
})();
// On the page after sending: the local copy is no longer needed.
(function () {
  var done = document.querySelector("[data-clear-draft]");
  if (done) { try { localStorage.removeItem(done.getAttribute("data-clear-draft")); } catch (e) { /* ignore */ } }
})();
