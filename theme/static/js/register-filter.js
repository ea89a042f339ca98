/* Filters a register's table (power list, problem list) by the form's select fields, and says how many rows remain.
   Progressive enhancement: the form is hidden in the HTML and the whole table works without this file; here we
   reveal the form, hide non-matching rows and row groups (<tbody>) left empty, announce the count in the form's
   aria-live status, and keep the choice in the query string so a filtered view can be shared in a WeChat group.
   A row matches a field when its data-<field> attribute, a space-separated list, holds the chosen value.
   Its own file because the CSP forbids inline scripts. */
(function () {
  "use strict";

  function fieldNames(form) {
    var names = [];
    var selects = form.querySelectorAll("select[name]");
    for (var i = 0; i < selects.length; i++) names.push(selects[i].name);
    return names;
  }

  function matches(row, wanted) {
    for (var name in wanted) {
      if (!wanted[name]) continue;
      var values = (row.getAttribute("data-" + name) || "").split(" ");
      if (values.indexOf(wanted[name]) < 0) return false;
    }
    return true;
  }

  function statusText(form, shown, total) {
    var pattern = form.getAttribute(shown === total ? "data-status-all" : "data-status-some");
    return pattern.replace("{shown}", String(shown)).replace(/\{total\}/g, String(total));
  }

  function apply(form, table, empty) {
    var wanted = {};
    fieldNames(form).forEach(function (name) { wanted[name] = form.elements[name].value; });
    var shown = 0;
    var groups = table.querySelectorAll("tbody");
    for (var g = 0; g < groups.length; g++) {
      var rows = groups[g].querySelectorAll("tr[data-register-row]");
      var shownInGroup = 0;
      for (var r = 0; r < rows.length; r++) {
        var visible = matches(rows[r], wanted);
        rows[r].hidden = !visible;
        if (visible) shownInGroup++;
      }
      groups[g].hidden = shownInGroup === 0;
      shown += shownInGroup;
    }
    form.querySelector("[role=status]").textContent = statusText(form, shown, Number(form.getAttribute("data-total")));
    if (empty) empty.hidden = shown !== 0;
  }

  // A filtered view can be shared as a link: ?department=renshe; values the form does not offer are ignored.
  function readQuery(form) {
    var query = new URLSearchParams(window.location.search);
    fieldNames(form).forEach(function (name) {
      var select = form.elements[name];
      var value = query.get(name);
      if (value && select.querySelector('option[value="' + CSS.escape(value) + '"]')) select.value = value;
    });
  }

  function writeQuery(form) {
    var query = new URLSearchParams();
    fieldNames(form).forEach(function (name) {
      if (form.elements[name].value) query.set(name, form.elements[name].value);
    });
    var search = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
  }

  function init(form) {
    var table = document.getElementById(form.getAttribute("data-register-filter"));
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
    var forms = document.querySelectorAll("form[data-register-filter]");
    for (var i = 0; i < forms.length; i++) init(forms[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
