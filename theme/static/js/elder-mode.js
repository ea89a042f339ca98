/* 长辈模式: apply the reader's stored choice before the first paint, and remember a new choice.
   Without JavaScript the toggle links still work for the current page through CSS :target. */
(function () {
  "use strict";
  var KEY = "lp-elder-mode";
  var root = document.documentElement;
  function stored() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }
  function apply(on) {
    root.classList.toggle("lp-elder", on);
    try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode: this page only */ }
  }
  if (stored()) { root.classList.add("lp-elder"); }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-elder-mode]");
    if (!link) { return; }
    event.preventDefault();
    var on = link.getAttribute("data-elder-mode") === "on";
    apply(on);
    // Keep focus on a visible control: the switch back, or the folded menu that holds it in 长辈模式.
    var candidates = document.querySelectorAll('[data-elder-mode="' + (on ? "off" : "on") + '"], .lp-header__fold-button');
    for (var i = 0; i < candidates.length; i++) {
      if (candidates[i].getClientRects().length) { candidates[i].focus(); break; }
    }
  });
})();
