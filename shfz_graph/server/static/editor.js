// The query editor (ours, no library): SPARQL highlighting under the text box, a box that grows with its
// text, completion of keywords, built-in prefixes and the graph's names (from /api/complete), the syntax
// error marked where the engine found it, Ctrl/Cmd+Enter to run, focus on the answer after a run, and the
// last queries kept in this browser. The page works without it: a plain form that runs on submit.
(function () {
  "use strict";
  var editor = document.getElementById("query");
  var form = document.getElementById("query-form");
  if (!editor || !form) { return; }

  var KEYWORDS = ("SELECT CONSTRUCT DESCRIBE ASK WHERE PREFIX BASE DISTINCT REDUCED FILTER OPTIONAL UNION MINUS " +
    "GRAPH SERVICE BIND VALUES ORDER BY GROUP HAVING LIMIT OFFSET AS ASC DESC NOT EXISTS IN COUNT SUM MIN MAX " +
    "AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR " +
    "ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH " +
    "DAY NOW COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX REPLACE UNDEF a " +
    "true false").split(" ");
  var KEYWORD_SET = {};
  KEYWORDS.forEach(function (k) { KEYWORD_SET[k.toUpperCase()] = true; });
  var prefixList = document.getElementById("prefix-list");
  var PREFIXES = prefixList ? Array.prototype.map.call(prefixList.querySelectorAll("[data-prefix]"),
    function (el) { return el.getAttribute("data-prefix"); }) : [];

  // -- highlighting --------------------------------------------------------------------------------
  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                     // 1 comment
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                      // 3 IRI
    "([?$][\\p{L}\\p{N}_]+)",                         // 4 variable
    "([\\p{L}_][\\p{L}\\p{N}_.-]*)?:([\\p{L}\\p{N}_][\\p{L}\\p{N}_.-]*)?", // 5, 6 prefixed name
    "([\\p{L}_][\\p{L}\\p{N}_]*)",                    // 7 word
    "([+-]?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)",      // 8 number
    "([\\s\\S])"                                      // 9 anything else
  ].join("|"), "gu");

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function classify(m) {
    if (m[1] !== undefined) { return "c"; }
    if (m[2] !== undefined) { return "s"; }
    if (m[3] !== undefined) { return "i"; }
    if (m[4] !== undefined) { return "v"; }
    if (m[0].indexOf(":") >= 0 && m[7] === undefined) { return "p"; }
    if (m[7] !== undefined) { return KEYWORD_SET[m[7].toUpperCase()] ? "k" : null; }
    if (m[8] !== undefined) { return "n"; }
    if ("{}().;,[]".indexOf(m[0]) >= 0) { return "o"; }
    return null;
  }

  // The text as HTML spans; `mark` (offset) wraps the token there in the error mark, `caret` inserts an
  // empty span where the caret is (to place the completion list under it).
  function highlight(text, mark, caret) {
    var out = "";
    var m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      var start = m.index;
      var end = start + m[0].length;
      var piece = m[0];
      var kind = classify(m);
      var html = "";
      if (caret !== null && caret >= start && caret < end) {
        html = escapeHtml(piece.slice(0, caret - start)) + '<span id="caret-spot"></span>' +
          escapeHtml(piece.slice(caret - start));
      } else {
        html = escapeHtml(piece);
      }
      if (kind) { html = '<span class="t-' + kind + '">' + html + "</span>"; }
      if (mark !== null && mark >= start && mark < end) {
        html = '<mark class="error-mark" title="' + escapeHtml(errorText || "") + '">' + html + "</mark>";
      }
      out += html;
    }
    if (caret !== null && caret >= text.length) { out += '<span id="caret-spot"></span>'; }
    if (mark !== null && mark >= text.length) { out += '<mark class="error-mark"> </mark>'; }
    return out + "\n";
  }

  var box = document.createElement("div");
  box.className = "editor-box";
  var pre = document.createElement("pre");
  pre.className = "highlight";
  pre.setAttribute("aria-hidden", "true");
  editor.parentNode.insertBefore(box, editor);
  box.appendChild(pre);
  box.appendChild(editor);
  editor.classList.add("highlighted");
  editor.removeAttribute("rows");

  // the error the server found in this very text: its offset, until the text changes
  var errorBox = document.getElementById("query-error");
  var errorText = errorBox ? (errorBox.querySelector(".plain") || errorBox).textContent : "";
  var errorOffset = null;
  var errorSource = editor.value;
  if (errorBox && errorBox.hasAttribute("data-line")) {
    errorOffset = offsetOf(editor.value, +errorBox.getAttribute("data-line"), +errorBox.getAttribute("data-column"));
    editor.setAttribute("aria-invalid", "true");
    editor.setAttribute("aria-describedby", "query-error");
  }

  function offsetOf(text, line, column) {
    var offset = 0;
    for (var i = 1; i < line; i++) {
      var next = text.indexOf("\n", offset);
      if (next < 0) { return text.length; }
      offset = next + 1;
    }
    return Math.min(offset + column - 1, text.length);
  }

  function render(caret) {
    var mark = editor.value === errorSource ? errorOffset : null;
    if (mark === null && editor.hasAttribute("aria-invalid")) { editor.removeAttribute("aria-invalid"); }
    pre.innerHTML = highlight(editor.value, mark, caret === undefined ? null : caret);
    grow();
  }

  function grow() {
    editor.style.height = "auto";
    editor.style.height = Math.max(editor.scrollHeight + 2, 96) + "px";
  }

  // -- completion ----------------------------------------------------------------------------------
  var list = document.createElement("ul");
  list.id = "completions";
  list.className = "completions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Completions");
  list.hidden = true;
  box.appendChild(list);
  editor.setAttribute("aria-autocomplete", "list");
  editor.setAttribute("aria-controls", "completions");
  editor.setAttribute("aria-expanded", "false");
  var items = [];
  var active = -1;
  var wordStart = 0;
  var pending = null;
  var asked = 0;

  function currentWord() {
    var before = editor.value.slice(0, editor.selectionStart);
    var m = /(?:[\p{L}\p{N}_][\p{L}\p{N}_.-]*)?:?[\p{L}\p{N}_.-]*$/u.exec(before);
    var word = m ? m[0] : "";
    if (word && /^[.-]/.test(word)) { word = word.replace(/^[.-]+/, ""); }
    return { word: word, start: editor.selectionStart - word.length };
  }

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    items = [];
    active = -1;
    editor.setAttribute("aria-expanded", "false");
    editor.removeAttribute("aria-activedescendant");
  }

  function show(found) {
    items = found.slice(0, 12);
    if (!items.length) { close(); return; }
    list.innerHTML = "";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "completion-" + i;
      li.setAttribute("role", "option");
      var code = document.createElement("code");
      code.textContent = item.insert;
      li.appendChild(code);
      if (item.label) {
        var label = document.createElement("span");
        label.className = "label";
        label.textContent = item.label + (item.label_zh ? " · " + item.label_zh : "");
        li.appendChild(label);
      }
      if (item.kind) {
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = item.kind;
        li.appendChild(kind);
      }
      li.addEventListener("mousedown", function (event) { event.preventDefault(); accept(i); });
      list.appendChild(li);
    });
    render(editor.selectionStart);
    var spot = document.getElementById("caret-spot");
    if (spot) {
      list.style.top = (spot.offsetTop + 22) + "px";
      list.style.left = Math.min(spot.offsetLeft, Math.max(box.clientWidth - 280, 0)) + "px";
    }
    list.hidden = false;
    editor.setAttribute("aria-expanded", "true");
    select(0);
  }

  function select(i) {
    active = i;
    Array.prototype.forEach.call(list.children, function (li, j) {
      li.setAttribute("aria-selected", j === i ? "true" : "false");
    });
    if (list.children[i]) {
      editor.setAttribute("aria-activedescendant", list.children[i].id);
      list.children[i].scrollIntoView({ block: "nearest" });
    }
  }

  function accept(i) {
    var item = items[i];
    if (!item) { return; }
    var text = editor.value;
    var end = editor.selectionStart;
    editor.value = text.slice(0, wordStart) + item.insert + text.slice(end);
    var caret = wordStart + item.insert.length;
    editor.setSelectionRange(caret, caret);
    close();
    render();
    editor.focus();
  }

  function suggest(force) {
    var current = currentWord();
    var word = current.word;
    wordStart = current.start;
    if (!force && word.length < 2) { close(); return; }
    // a variable, a language tag, or the inside of an IRI or a string: nothing to offer
    if (/[?$@<"']$/.test(editor.value.slice(0, wordStart))) { close(); return; }
    var upper = word.toUpperCase();
    var found = [];
    if (word.indexOf(":") < 0) {
      KEYWORDS.forEach(function (k) {
        if (k.length > 1 && k.toUpperCase().indexOf(upper) === 0 && k.toUpperCase() !== upper) {
          found.push({ insert: k, label: "", kind: "keyword" });
        }
      });
      PREFIXES.forEach(function (p) {
        if (p.toUpperCase().indexOf(upper) === 0) { found.push({ insert: p + ":", label: "", kind: "prefix" }); }
      });
    }
    show(found);
    if (pending) { clearTimeout(pending); }
    if (word.length < 2 && word.indexOf(":") < 0) { return; }
    var ticket = ++asked;
    pending = setTimeout(function () {
      fetch("/api/complete?limit=12&q=" + encodeURIComponent(word), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { completions: [] }; })
        .then(function (answer) {
          if (ticket !== asked || currentWord().word !== word) { return; }
          show(found.slice(0, 4).concat(answer.completions || []));
        })
        .catch(function () { /* offline or refused: keywords and prefixes still complete */ });
    }, 120);
  }

  editor.addEventListener("input", function () {
    render();
    suggest(false);
  });
  editor.addEventListener("blur", function () { setTimeout(close, 150); });
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      close();
      if (form.requestSubmit) { form.requestSubmit(); } else { remember(); form.submit(); }
      return;
    }
    if (event.key === " " && event.ctrlKey) { event.preventDefault(); suggest(true); return; }
    if (list.hidden) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); select((active + 1) % items.length); }
    else if (event.key === "ArrowUp") { event.preventDefault(); select((active - 1 + items.length) % items.length); }
    else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); accept(active); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
  });

  // -- history (this browser only) -------------------------------------------------------------------
  var KEY = "shfz-graph:history";
  var MAX_KEPT = 20;

  function kept() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }

  function remember() {
    var text = editor.value.trim();
    if (!text) { return; }
    var example = form.querySelector('input[name="example"]');
    var entries = kept().filter(function (e) { return e.query !== text; });
    entries.unshift({ query: text, example: example ? example.value : "", at: new Date().toISOString() });
    try { localStorage.setItem(KEY, JSON.stringify(entries.slice(0, MAX_KEPT))); } catch (e) { /* full or off */ }
  }

  function showHistory() {
    var section = document.querySelector("section.history");
    var ol = document.getElementById("history-list");
    if (!section || !ol) { return; }
    var entries = kept();
    ol.innerHTML = "";
    entries.forEach(function (entry) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/query?query=" + encodeURIComponent(entry.query);
      var firstLine = entry.query.split("\n").filter(function (l) {
        return l.trim() && !/^\s*(PREFIX|BASE|#)/i.test(l);
      })[0] || entry.query;
      a.textContent = firstLine.trim().slice(0, 90);
      a.title = entry.query;
      li.appendChild(a);
      var when = document.createElement("span");
      when.className = "muted small";
      when.textContent = " " + entry.at.slice(0, 16).replace("T", " ");
      li.appendChild(when);
      ol.appendChild(li);
    });
    section.hidden = entries.length === 0;
  }

  form.addEventListener("submit", remember);
  var clear = document.getElementById("history-clear");
  if (clear) {
    clear.addEventListener("click", function () {
      try { localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
      showHistory();
      editor.focus();
    });
  }

  // -- start ---------------------------------------------------------------------------------------
  render();
  showHistory();
  var results = document.getElementById("results");
  if (errorOffset !== null) {
    editor.focus();
    editor.setSelectionRange(errorOffset, errorOffset);
  } else if (results && /[?&](query|run)=?/.test(location.search)) {
    results.focus();
  }
})();
