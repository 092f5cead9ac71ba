// The answer on the query page (ours, no library): sort by a column, filter the rows, page through long
// answers, and switch between the views (table, chart, map, graph). Without it every view is shown, one
// under the other, and the table holds every row.
(function () {
  "use strict";
  var PAGE = 50;
  var table = document.querySelector("table.results-table");
  var pager = document.querySelector("nav.pager");
  var filter = document.getElementById("row-filter");

  // -- views as tabs -------------------------------------------------------------------------------
  var views = Array.prototype.slice.call(document.querySelectorAll("section.view"));
  if (views.length > 1) {
    var bar = document.createElement("div");
    bar.className = "view-tabs";
    bar.setAttribute("role", "tablist");
    bar.setAttribute("aria-label", "Views of the answer");
    var tabs = views.map(function (view, i) {
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = "tab-" + view.id;
      tab.textContent = view.getAttribute("data-name");
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", view.id);
      view.setAttribute("role", "tabpanel");
      view.setAttribute("aria-labelledby", tab.id);
      tab.addEventListener("click", function () { choose(i); });
      tab.addEventListener("keydown", function (event) {
        var next = event.key === "ArrowRight" ? i + 1 : event.key === "ArrowLeft" ? i - 1 : null;
        if (next === null) { return; }
        event.preventDefault();
        next = (next + views.length) % views.length;
        choose(next);
        tabs[next].focus();
      });
      bar.appendChild(tab);
      return tab;
    });
    views[0].parentNode.insertBefore(bar, views[0]);
    var choose = function (i) {
      views.forEach(function (view, j) {
        view.hidden = j !== i;
        tabs[j].setAttribute("aria-selected", j === i ? "true" : "false");
        tabs[j].tabIndex = j === i ? 0 : -1;
      });
    };
    views.forEach(function (view) { view.classList.add("tabbed"); });
    choose(0);
  }

  if (!table) { return; }

  // -- sort, filter, pages -----------------------------------------------------------------------
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var order = rows.slice();
  var page = 0;
  var numeric = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
    return th.classList.contains("num");
  });

  function key(row, column) {
    var cell = row.cells[column];
    return cell && cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : null;
  }

  function compare(column, direction) {
    return function (a, b) {
      var x = key(a, column);
      var y = key(b, column);
      if (x === null || y === null) { return x === y ? 0 : x === null ? 1 : -1; }  // empty cells last
      var result = numeric[column] ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
      return direction * result;
    };
  }

  function visible() {
    var words = filter ? filter.value.trim().toLowerCase() : "";
    if (!words) { return order; }
    return order.filter(function (row) { return row.textContent.toLowerCase().indexOf(words) >= 0; });
  }

  function draw() {
    var shown = visible();
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(page, pages - 1);
    var from = page * PAGE;
    var slice = shown.slice(from, from + PAGE);
    var fragment = document.createDocumentFragment();
    slice.forEach(function (row) { fragment.appendChild(row); });
    body.innerHTML = "";
    body.appendChild(fragment);
    if (!pager) { return; }
    pager.innerHTML = "";
    var status = document.createElement("span");
    status.id = "page-status";
    status.setAttribute("aria-live", "polite");
    status.textContent = shown.length === 0 ? "no row matches the filter" :
      "rows " + (from + 1) + "–" + (from + slice.length) + " of " + shown.length +
      (shown.length !== rows.length ? " matching (" + rows.length + " in all)" : "");
    pager.hidden = shown.length <= PAGE && shown.length === rows.length;
    if (shown.length > PAGE) {
      pager.appendChild(button("Previous", page > 0, function () { page -= 1; draw(); }));
      pager.appendChild(status);
      pager.appendChild(button("Next", page < pages - 1, function () { page += 1; draw(); }));
    } else {
      pager.appendChild(status);
    }
  }

  function button(text, enabled, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = text;
    b.disabled = !enabled;
    b.addEventListener("click", action);
    return b;
  }

  Array.prototype.forEach.call(table.querySelectorAll("th button.sort"), function (b) {
    b.addEventListener("click", function () {
      var column = +b.getAttribute("data-column");
      var th = b.parentNode;
      var direction = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
      order = rows.slice().sort(compare(column, direction));
      page = 0;
      draw();
    });
  });
  if (filter) {
    filter.addEventListener("input", function () { page = 0; draw(); });
  }
  var raw = document.getElementById("show-raw");
  if (raw) {
    raw.addEventListener("change", function () { table.classList.toggle("show-raw", raw.checked); });
  }
  draw();
})();
