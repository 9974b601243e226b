// Coding workbench: find a code by typing, code a selected part of the text, keys, and saving without reloads.
// Everything also works without JavaScript: the forms post and the page comes back (see coding/workbench).
// Offsets sent to the server are Python string indices (code points); JavaScript strings count UTF-16 units,
// so every count goes through Array.from. The server checks the span and answers with a Dutch message.
(function () {
  "use strict";
  var form = document.getElementById("wb-code-form");
  var filter = document.getElementById("wb-code-filter");
  var startInput = document.getElementById("wb-start");
  var endInput = document.getElementById("wb-end");
  var selectionBox = document.getElementById("wb-selection");
  var selectionText = document.getElementById("wb-selection-text");
  var hint = document.getElementById("wb-hint");
  var live = document.getElementById("wb-live");
  var keys = document.getElementById("wb-keys");
  if (keys) keys.hidden = false;

  function codePoints(s) { return Array.from(s).length; }
  function textBox() { return document.getElementById("wb-text"); }

  // --- a selected part of the fragment, as code point offsets ---
  function offsetOf(node, offset) {
    var text = textBox();
    if (!text) return null;
    if (node === text) {
      var child = text.childNodes[offset];
      if (!child) return parseInt(document.getElementById("wb-main").getAttribute("data-length"), 10);
      return parseInt(child.getAttribute("data-o"), 10);
    }
    var element = node.nodeType === 3 ? node.parentNode : node;
    var seg = element && element.closest ? element.closest(".kvs-wb-seg") : null;
    if (!seg || !text.contains(seg)) return null;
    var base = parseInt(seg.getAttribute("data-o"), 10);
    if (node.nodeType === 3) return base + codePoints(node.data.slice(0, offset));
    return offset === 0 ? base : base + codePoints(seg.textContent);
  }
  function spanSet(start, end, quote) {
    if (!startInput) return;
    startInput.value = String(start);
    endInput.value = String(end);
    selectionText.textContent = quote.length > 120 ? quote.slice(0, 117) + "…" : quote;
    selectionBox.hidden = false;
    if (hint) hint.hidden = true;
  }
  function spanClear() {
    if (!startInput) return;
    startInput.value = "";
    endInput.value = "";
    selectionBox.hidden = true;
    if (hint) hint.hidden = false;
  }
  document.addEventListener("selectionchange", function () {
    var text = textBox();
    var selection = window.getSelection();
    if (!text || !selection || !selection.rangeCount) return;
    var range = selection.getRangeAt(0);
    // A selection elsewhere (clicking a code button) keeps the chosen part; a click in the text drops it.
    if (!text.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== text) return;
    if (range.collapsed) { spanClear(); return; }
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null || start >= end) return;
    spanSet(start, end, range.toString());
  });
  var clearButton = document.getElementById("wb-selection-clear");
  if (clearButton) clearButton.addEventListener("click", function () {
    spanClear();
    var selection = window.getSelection();
    if (selection) selection.removeAllRanges();
  });

  // --- find a code by typing ---
  function plain(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function visibleCodes() {
    return Array.prototype.filter.call(form.querySelectorAll(".kvs-wb-code"), function (b) { return !b.hidden; });
  }
  function applyFilter() {
    var wanted = plain(filter.value.trim());
    form.querySelectorAll(".kvs-wb-group").forEach(function (group) {
      var any = false;
      group.querySelectorAll(".kvs-wb-code").forEach(function (button) {
        button.hidden = wanted !== "" && plain(button.getAttribute("data-find")).indexOf(wanted) < 0;
        if (!button.hidden) any = true;
      });
      group.hidden = !any;
    });
  }
  if (filter && form) {
    document.getElementById("wb-find").hidden = false;
    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = visibleCodes()[0];
        if (first) send(form, first);
      } else if (event.key === "Escape") {
        filter.value = "";
        applyFilter();
        filter.blur();
      }
    });
  }

  // --- saving without a reload: the server answers with the fragment's text and codes ---
  function say(message) { if (live) live.textContent = message; }
  function swap(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.querySelector("#wb-main");
    var old = document.getElementById("wb-main");
    if (!fresh || !old) return false;
    old.replaceWith(fresh);
    var done = document.getElementById("wb-done");
    if (done) {
      var coded = fresh.querySelector(".kvs-wb-coding--mine");
      done.textContent = done.getAttribute(coded ? "data-text-done" : "data-text-none") || done.textContent;
    }
    return true;
  }
  function send(target, submitter) {
    var data = new FormData(target);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    fetch(target.action, { method: "POST", body: data, headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status !== 200 && response.status !== 400) throw new Error(String(response.status));
        return response.text().then(function (html) { return { ok: response.ok, html: html }; });
      })
      .then(function (result) {
        if (!swap(result.html)) throw new Error("no part to swap");
        if (!result.ok) { say(""); return; }
        if (submitter && submitter.classList.contains("kvs-wb-code")) {
          say((form.getAttribute("data-text-added") || "") + " " + submitter.textContent);
          spanClear();
          var selection = window.getSelection();
          if (selection) selection.removeAllRanges();
          if (filter && document.activeElement === filter) { filter.value = ""; applyFilter(); }
        } else {
          say("");
        }
      })
      .catch(function () {
        // A lost session or another surprise: send the form the ordinary way, the page says what happened.
        if (!navigator.onLine) { say(form ? form.getAttribute("data-text-failed") : ""); return; }
        target.setAttribute("data-wb-plain", "1");
        if (target.requestSubmit) target.requestSubmit(submitter || undefined); else target.submit();
      });
  }
  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.hasAttribute("data-wb-async") || target.hasAttribute("data-wb-plain") || !window.fetch) return;
    event.preventDefault();
    send(target, event.submitter);
  });

  // --- keys: / find a code, j next, k previous, d done, a yes / x no to the first suggestion ---
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var t = event.target;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    var link;
    if (event.key === "/" && filter) {
      event.preventDefault();
      filter.focus();
      filter.select();
    } else if (event.key === "j" && (link = document.getElementById("wb-next"))) {
      window.location.href = link.href;
    } else if (event.key === "k" && (link = document.getElementById("wb-previous"))) {
      window.location.href = link.href;
    } else if (event.key === "d" && document.getElementById("wb-done-form")) {
      document.getElementById("wb-done").click();
    } else if (event.key === "a" && (link = document.getElementById("wb-suggest-yes"))) {
      link.click();
    } else if (event.key === "x" && (link = document.getElementById("wb-suggest-no"))) {
      link.click();
    }
  });
})();
