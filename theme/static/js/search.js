/* The search page: start Pagefind's UI (CJK-segmented index built by buildtools/build.py) and run
   the query the header's search box sent as ?q=. Loaded only on /search/; no inline script, so
   the page works under a CSP of script-src 'self' 'wasm-unsafe-eval'. */
(function () {
  "use strict";
  var root = document.getElementById("lp-search");
  if (!root || typeof window.PagefindUI !== "function") { return; }  // keep the no-JavaScript help
  var bundle = new URL(root.getAttribute("data-bundle-path"), document.baseURI).href;
  var ui = new window.PagefindUI({
    element: "#lp-search",
    bundlePath: bundle,
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
})();
