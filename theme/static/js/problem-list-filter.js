/* Filters the problem-list table by town, village, responsible unit, type and status, and says how many problems remain.
   Progressive enhancement, as power-list-filter.js: the form is hidden in the HTML and the whole table (grouped by
   status, with links to each group) works without this file; here we reveal the form, hide non-matching rows and
   empty status groups, announce the count in the form's aria-live status, and keep the choice in the query string
   so a filtered view can be shared in a WeChat group. Its own file because the CSP forbids inline scripts. */
(function () {
  "use strict";

  var FIELDS = ["town", "village", "unit", "kind", "status"];

  function matches(row, wanted) {
    for (var i = 0; i < FIELDS.length; i++) {
      var name = FIELDS[i];
      if (wanted[name] && row.getAttribute("data-" + name) !== wanted[name]) return false;
    }
    return true;
  }

  function apply(form, table, empty) {
    var wanted = {};
    FIELDS.forEach(function (name) { wanted[name] = form.elements[name].value; });
    var shown = 0;
    var groups = table.querySelectorAll("tbody");
    for (var g = 0; g < groups.length; g++) {
      var rows = groups[g].querySelectorAll("tr.lp-problem-table__row");
      var shownInGroup = 0;
      for (var r = 0; r < rows.length; r++) {
        var visible = matches(rows[r], wanted);
        rows[r].hidden = !visible;
        if (visible) shownInGroup++;
      }
      groups[g].hidden = shownInGroup === 0;
      shown += shownInGroup;
    }
    var total = form.getAttribute("data-total");
    form.querySelector("[role=status]").textContent = shown === Number(total)
      ? "显示全部 " + total + " 个问题"
      : "显示 " + shown + " 个问题（共 " + total + " 个）";
    if (empty) empty.hidden = shown !== 0;
  }

  function readQuery(form) {
    var query = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      var select = form.elements[name];
      var value = query.get(name);
      if (value && select.querySelector('option[value="' + CSS.escape(value) + '"]')) select.value = value;
    });
  }

  function writeQuery(form) {
    var query = new URLSearchParams();
    FIELDS.forEach(function (name) {
      if (form.elements[name].value) query.set(name, form.elements[name].value);
    });
    var search = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
  }

  function init(form) {
    var table = document.getElementById(form.getAttribute("data-problem-filter"));
    if (!table) return;
    var empty = document.getElementById(table.id + "-empty");
    form.hidden = false;
    readQuery(form);
    apply(form, table, empty);
    form.addEventListener("change", function () { apply(form, table, empty); writeQuery(form); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(form, table, empty); });
    // "reset" fires before the fields are cleared; filter once they are.
    form.addEventListener("reset", function () {
      setTimeout(function () { apply(form, table, empty); writeQuery(form); }, 0);
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-problem-filter]");
    for (var i = 0; i < forms.length; i++) init(forms[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
