/* Filters the power-list table by department, category and 办理方式, and says how many matters remain.
   Progressive enhancement: the form is hidden in the HTML and the full table works without this file;
   here we reveal the form, hide non-matching rows and department groups, and announce the count in
   the form's aria-live status; the choice is kept in the query string. Loaded as its own file because the CSP forbids inline scripts. */
(function () {
  "use strict";

  function matches(row, wanted) {
    if (wanted.department && row.getAttribute("data-department") !== wanted.department) return false;
    if (wanted.category && row.getAttribute("data-category") !== wanted.category) return false;
    if (wanted.channel && row.getAttribute("data-channels").split(" ").indexOf(wanted.channel) < 0) return false;
    return true;
  }

  function apply(form, table, empty) {
    var wanted = {
      department: form.elements.department.value,
      category: form.elements.category.value,
      channel: form.elements.channel.value
    };
    var shown = 0;
    var groups = table.querySelectorAll("tbody");
    for (var g = 0; g < groups.length; g++) {
      var rows = groups[g].querySelectorAll("tr[data-category]");
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
    var status = form.querySelector("[role=status]");
    status.textContent = shown === Number(total)
      ? "显示全部 " + total + " 项"
      : "显示 " + shown + " 项（共 " + total + " 项）";
    if (empty) empty.hidden = shown !== 0;
  }

  var FIELDS = ["department", "category", "channel"];

  // A filtered view can be shared as a link (e.g. in a village WeChat group): ?department=renshe
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
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function init(form) {
    var table = document.getElementById(form.getAttribute("data-power-filter"));
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
    var forms = document.querySelectorAll("form[data-power-filter]");
    for (var i = 0; i < forms.length; i++) init(forms[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
