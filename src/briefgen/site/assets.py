"""The site's own stylesheet and script, shipped as text (no file to package or fetch)."""

from __future__ import annotations

__all__ = ["SCRIPT", "STYLESHEET"]

STYLESHEET = """\
/* briefgen: findings, statuses, pictures. Works in light and dark schemes. */
:root {
  --briefgen-ok: #1b7f3b;
  --briefgen-warning: #9a5b00;
  --briefgen-error: #b3261e;
  --briefgen-unchecked: #6b6b6b;
  --briefgen-highlight: rgba(255, 213, 79, 0.28);
}
[data-md-color-scheme="slate"] {
  --briefgen-ok: #7fd89a;
  --briefgen-warning: #f3b75a;
  --briefgen-error: #ff8a80;
  --briefgen-unchecked: #a8a8a8;
  --briefgen-highlight: rgba(255, 213, 79, 0.16);
}
.briefgen-anchor {
  display: block;
  height: 0;
  scroll-margin-top: 5rem;
}
.briefgen-finding {
  margin: 1.6em 0 1.4em;
  scroll-margin-top: 5rem;
  border-radius: 0.2em;
}
.briefgen-finding:target {
  background: var(--briefgen-highlight);
  box-shadow: 0 0 0 0.5em var(--briefgen-highlight);
}
.md-typeset .briefgen-finding p { margin: 0.25em 0; }
.md-typeset .briefgen-finding .briefgen-quote { margin: 0.6em 0 0.4em; }
.md-typeset .briefgen-cite { font-size: 0.92em; }
.briefgen-status {
  display: inline-block;
  font-size: 0.72em;
  font-weight: 600;
  line-height: 1.5;
  padding: 0 0.55em;
  border: 1px solid currentColor;
  border-radius: 1em;
  white-space: nowrap;
  vertical-align: 0.1em;
}
.briefgen-status-ok { color: var(--briefgen-ok); }
.briefgen-status-warning { color: var(--briefgen-warning); }
.briefgen-status-error { color: var(--briefgen-error); }
.briefgen-status-unchecked { color: var(--briefgen-unchecked); }
.md-typeset .briefgen-meta {
  font-size: 0.8em;
  opacity: 0.85;
}
.briefgen-figure {
  margin: 1em 0 1.5em;
  overflow-x: auto;
}
.briefgen-figure svg { display: block; max-width: 100%; height: auto; }
.briefgen-figure svg a:hover circle,
.briefgen-figure svg a:focus circle { stroke-width: 3; }
.briefgen-figure svg a:hover rect,
.briefgen-figure svg a:focus rect { stroke: currentColor; stroke-width: 1.5; }
.briefgen-figure svg a:hover text { text-decoration: underline; }
.briefgen-reference {
  display: block;
  padding-left: 1.5em;
  text-indent: -1.5em;
  margin: 0.5em 0 1em;
}
li > .briefgen-reference { display: inline; padding: 0; text-indent: 0; margin: 0; }
.briefgen-brief {
  border-top: 1px solid rgba(127, 127, 127, 0.3);
  margin-top: 1.5em;
  padding-top: 1em;
}
.md-typeset .briefgen-brief .title-band p { margin: 0.2em 0; opacity: 0.8; }
.md-typeset .briefgen-brief .series span + span::before { content: " · "; }
.md-typeset .briefgen-brief .subtitle { font-size: 1.1em; opacity: 1; }
.md-typeset .briefgen-brief .summary {
  border-left: 0.2rem solid var(--md-primary-fg-color, #3f51b5);
  padding-left: 1em;
}
.md-typeset .briefgen-brief .status { font-size: 0.8em; font-weight: 600; }
.md-typeset .briefgen-brief .status-verified { color: var(--briefgen-ok); }
.md-typeset .briefgen-brief .status-fuzzy { color: var(--briefgen-warning); }
.md-typeset .briefgen-brief .finding-id { font-family: var(--md-code-font-family, monospace);
  font-size: 0.85em; opacity: 0.8; }
.briefgen-filter { margin: 0.5em 0 1em; display: flex; gap: 1em; align-items: center; }
.briefgen-filter input {
  flex: 1 1 auto;
  max-width: 28em;
  padding: 0.4em 0.6em;
  font: inherit;
  color: inherit;
  background: transparent;
  border: 1px solid rgba(127, 127, 127, 0.5);
  border-radius: 0.3em;
}
.briefgen-filter-count { font-size: 0.8em; opacity: 0.8; }
th.briefgen-sortable { cursor: pointer; user-select: none; white-space: nowrap; }
th.briefgen-sortable::after { content: " \\2195"; opacity: 0.4; }
th.briefgen-sortable[aria-sort="ascending"]::after { content: " \\25B2"; opacity: 0.8; }
th.briefgen-sortable[aria-sort="descending"]::after { content: " \\25BC"; opacity: 0.8; }
"""

SCRIPT = """\
/* briefgen: sort and filter the findings table. No dependency, no network. */
(function () {
  "use strict";
  function cellText(row, col) {
    var cell = row.cells[col];
    return cell ? cell.textContent.trim() : "";
  }
  function setup(holder) {
    if (holder.getAttribute("data-briefgen-ready")) return;
    var tables = document.querySelectorAll("table");
    var table = null;
    for (var i = 0; i < tables.length; i++) {
      if (holder.compareDocumentPosition(tables[i]) & Node.DOCUMENT_POSITION_FOLLOWING) {
        table = tables[i];
        break;
      }
    }
    if (!table || !table.tBodies.length || !table.tHead) return;
    holder.setAttribute("data-briefgen-ready", "1");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter: words, source, theme, status";
    input.setAttribute("aria-label", "Filter the findings");
    var count = document.createElement("span");
    count.className = "briefgen-filter-count";
    count.setAttribute("aria-live", "polite");
    holder.appendChild(input);
    holder.appendChild(count);
    function filter() {
      var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + " of " + rows.length + " shown";
    }
    input.addEventListener("input", filter);
    filter();
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.classList.add("briefgen-sortable");
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (other) {
          other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = cellText(a, col), y = cellText(b, col);
          if (!x || !y) return (x ? 0 : 1) - (y ? 0 : 1);  // empty cells last, either way
          var order = x.localeCompare(y, undefined, {numeric: true, sensitivity: "base"});
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }
  function init() {
    var holders = document.querySelectorAll("[data-briefgen-table]");
    Array.prototype.forEach.call(holders, setup);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
"""
