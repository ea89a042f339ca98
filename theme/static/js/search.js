/* The search page: start Pagefind's UI (CJK-segmented index built by buildtools/build.py) and run
   the query the header's search box sent as ?q=. Loaded only on /search/; no inline script, so
   the page works under a CSP of script-src 'self' 'wasm-unsafe-eval'.
   The index is split into shards (buildtools/search_shards.py): pagefind/shards.json lists them,
   the first is Pagefind's primary bundle and the others are merged into it (mergeIndex), so one
   search, its result counts and its 栏目/年份 filters cover the whole site. */
(function () {
  "use strict";
  var root = document.getElementById("lp-search");
  if (!root || typeof window.PagefindUI !== "function" || typeof window.fetch !== "function") { return; }
  var bundle = new URL(root.getAttribute("data-bundle-path"), document.baseURI).href;
  window.fetch(bundle + "shards.json").then(function (response) {
    if (!response.ok) { throw new Error("shards.json: HTTP " + response.status); }
    return response.json();
  }).then(function (manifest) {
    var shards = manifest.shards || [];
    if (shards.length) { start(shards); }
  }).catch(function (error) {
    if (window.console) { window.console.error("站内搜索无法启动：", error); }
  });

  function start(shards) {
    var merged = [];
    for (var s = 1; s < shards.length; s += 1) { merged.push({ bundlePath: bundle + shards[s] + "/" }); }
    var ui = new window.PagefindUI({
      element: "#lp-search",
      bundlePath: bundle + shards[0] + "/",
      mergeIndex: merged,
      showImages: false,
      showSubResults: false,
      resetStyles: false,
      autofocus: !new URLSearchParams(window.location.search).get("q"),
      translations: {
        placeholder: "输入要找的词，例如：苹果瓜",
        clear_search: "清除",
        load_more: "显示更多结果",
        search_label: "搜索本站",
        filters_label: "筛选",
        zero_results: "没有找到与“[SEARCH_TERM]”相关的内容。请换一个词，或按栏目、按日期浏览。",
        many_results: "找到 [COUNT] 条与“[SEARCH_TERM]”相关的结果",
        one_result: "找到 1 条与“[SEARCH_TERM]”相关的结果",
        alt_search: "没有找到与“[SEARCH_TERM]”相关的内容，下面是与“[DIFFERENT_TERM]”相关的结果",
        search_suggestion: "没有找到与“[SEARCH_TERM]”相关的内容。可以试试：",
        searching: "正在搜索“[SEARCH_TERM]”……"
      }
    });
    // Pagefind's input has only a placeholder; screen readers need a name that stays after typing.
    var input = root.querySelector(".pagefind-ui__search-input");
    if (input) { input.setAttribute("aria-label", "搜索本站"); }
    var hints = document.querySelectorAll("[data-search-no-js]");
    for (var i = 0; i < hints.length; i += 1) { hints[i].hidden = true; }
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      ui.triggerSearch(query);
      var headerBox = document.getElementById("lp-search-q");  // the header's box keeps what was asked
      if (headerBox) { headerBox.value = query; }
    }
  }
})();
