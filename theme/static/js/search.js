/* The search page (/search/): splits the query the way buildtools/search_text.py split every page
   (Han character bigrams written as letters), looks each piece up in the site's own index
   (buildtools/search_index.py: static JSON, no WASM), ranks the pages itself and lists them. It
   never calls Intl.Segmenter, so every browser finds the same pages. Loaded only on /search/; no
   inline script (CSP script-src 'self'). The index is split into shards
   (buildtools/search_shards.py), all listed in search-index/shards.json and searched together. */
(function () {
  "use strict";

  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{2ffff}";
  var WORD = new RegExp("([0-9]{1,4}[年月日号])|([" + HAN + "]+)|([0-9]+)|([a-z]+)", "gu");
  var DATE_UNITS = { "年": "v", "月": "w", "日": "x", "号": "x" };  // the index ends these with y; a query never does
  var LETTERS = "abcdefghijklmnopqrstuvwxyz";
  var PAGE_SIZE = 10;
  var UNFINISHED = "搜索没有完成，可能是网络不稳定。请稍后再试，或按栏目、按日期浏览。";
  var pageCount = null;  // a promise of the number of searchable pages, from search-index/shards.json
  var filterCounts = {};  // {filter: {value: pages}} of the whole index, from search-index/shards.json

  var MONTH_NUMBERS = { "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12 };

  /* Full-width letters and digits as ASCII, lower case, 五月 as 5月: as buildtools/search_text.py. */
  function normalise(text) {
    return text.normalize("NFKC").toLowerCase().replace(/(十[一二]|[一二三四五六七八九十])月/g, function (_, month) {
      return MONTH_NUMBERS[month] + "月";
    });
  }

  /* The words that make a query a question (怎么, 在哪里, 如何, 会怎样…) say nothing about which page
     answers it, and a page that happens to hold them (“不知道在哪里候车”) would rank for them: they
     split the query and are not looked up. A query that leaves no word of two characters or more
     without them (道在哪里) is looked up as typed. */
  var QUESTION_WORDS = /怎么样|怎么办|怎么|怎样|如何|在哪里|在哪儿|在哪|哪里|哪儿|哪些|哪个|什么时候|什么|为什么|多少|找谁|有没有|能不能|是不是|可不可以|请问|吗|呢/g;

  var MEANINGFUL = new RegExp("[0-9a-z]|[" + HAN + "]{2}", "u");

  /* Residents' words for what pages call by an official name (歌厅 for 娱乐场所), from
     content/search-synonyms.csv by way of the page's data-synonym-pairs: [[resident word, [page
     words]], …] in the file's order. A query holds a word when their matchForms do, the form
     plugins/search_synonyms checked the table in; each page word (one word, the plugin saw to it) is
     looked up in that form, normalised as every query is (娱乐 场所 as 娱乐场所). Entries: [resident match, [[page match, lookup], …]]. */
  var synonyms = [];

  function matchForm(text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  }

  function readSynonyms(root) {
    try {
      var table = JSON.parse(root.getAttribute("data-synonym-pairs") || "[]");
      return table.map(function (entry) {
        return [matchForm(entry[0]), entry[1].map(function (word) { return [matchForm(word), normalise(matchForm(word))]; })];
      });
    } catch (error) {
      return [];  // a table the page cannot read leaves search as it is without one
    }
  }

  /* The page words to look up as well, for each resident word the query holds (and not the page
     word already, nor one inside another added: 家庭经济困难 beside 家庭经济困难学生):
     开歌厅要什么手续 also asks for 娱乐场所. */
  function alsoAsked(query) {
    var text = matchForm(query), added = [];
    synonyms.forEach(function (entry) {
      if (text.indexOf(entry[0]) < 0) { return; }
      entry[1].forEach(function (word) {
        var known = added.some(function (other) { return other[0] === word[0]; });
        if (text.indexOf(word[0]) < 0 && !known) { added.push(word); }
      });
    });
    return added.filter(function (word) {
      return !added.some(function (other) { return other[0] !== word[0] && other[0].indexOf(word[0]) >= 0; });
    }).map(function (word) { return word[1]; });
  }

  /* What is looked up: the query without its question words, then the page words its resident
     words stand for, each apart (a space), so no bigram joins them to the query's own. */
  function asked(query) {
    var text = normalise(query), stripped = text.replace(QUESTION_WORDS, " ");
    return [MEANINGFUL.test(stripped) ? stripped : text].concat(alsoAsked(query)).join(" ");
  }

  function characterCode(character) {
    var number = character.codePointAt(0), letters = "";
    for (var i = 0; i < 4; i += 1) { letters = LETTERS.charAt(number % 26) + letters; number = Math.floor(number / 26); }
    return letters;
  }

  function numberToken(digits, unit) {
    return "n" + (digits.replace(/^0+/, "") || "0").replace(/[0-9]/g, function (d) { return LETTERS.charAt(+d); }) + (DATE_UNITS[unit] || "");
  }

  /* What to look up for a query, as buildtools/search_text.py wrote the pages: each Han run's
     bigrams (a single character alone, found as the start of the bigrams holding it), numbers and
     dates (5月), and ASCII words; in the query's order, `follows` when a bigram continues the one
     before it (the two stand next to each other in a page that holds the phrase). */
  function queryPlan(query) {
    var plan = [], match, text = asked(query), runs = [];
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) { runs.push(match); }
    // A character left alone beside longer words (办 in 老年证在哪里办) would match every bigram it
    // starts; it is looked up only when the query is that one character.
    var alone = runs.length === 1;
    runs.forEach(function (match) {
      if (match[1]) {
        plan.push({ term: numberToken(match[1].slice(0, -1), match[1].slice(-1)), follows: false });
      } else if (match[3]) {
        plan.push({ term: numberToken(match[3], ""), follows: false });
      } else if (match[4]) {
        plan.push({ term: "x" + match[4], follows: false });
      } else {
        var characters = Array.from(match[2]);
        if (characters.length === 1 && alone) { plan.push({ term: "q" + characterCode(characters[0]), follows: false }); }
        for (var i = 0; i + 1 < characters.length; i += 1) {
          plan.push({ term: "q" + characterCode(characters[i]) + characterCode(characters[i + 1]), follows: i > 0 });
        }
      }
    });
    return plan;
  }

  function queryTerms(query) {
    var terms = [];
    queryPlan(query).forEach(function (step) { if (terms.indexOf(step.term) < 0) { terms.push(step.term); } });
    return terms;
  }

  /* The pieces of the query to mark in an excerpt: Han bigrams (or the one character) and words. */
  function markPieces(query) {
    var pieces = [], match, text = asked(query);
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) {
      if (!match[2]) { pieces.push(match[0]); continue; }
      var characters = Array.from(match[2]);
      if (characters.length === 1) { pieces.push(characters[0]); }
      for (var i = 0; i + 1 < characters.length; i += 1) { pieces.push(characters[i] + characters[i + 1]); }
    }
    return pieces;
  }

  /* The index (buildtools/search_index.py): shards.json first, then for each term one bucket file
     per shard, each fetched once per page load. A term's postings list, per page, its id (as a step
     from the previous page's), the summed weight of the elements it is in, the number of
     positions and the positions (as steps). */
  var K1 = 1.4;  // BM25's term saturation: Pagefind's default, on which the ranking below was tuned

  function fnv1a(text) {
    var value = 0x811c9dc5;
    for (var i = 0; i < text.length; i += 1) { value = Math.imul(value ^ text.charCodeAt(i), 0x01000193) >>> 0; }
    return value;
  }

  function fetchJson(url, init) {
    return window.fetch(url, init).then(function (response) {
      if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
      return response.json();
    });
  }

  // How often an open search page asks whether shards.json changed (a new build published): a
  // shard's files keep their names across builds, so a list that is out of date would look up
  // buckets by the wrong count, or pages by ids that moved.
  var MANIFEST_CHECK_MS = 60000;

  function loadIndex(bundle) {
    var manifest = null, files = {}, checked = 0;

    function useManifest(next) {
      if (!(next.shards || []).length) { throw new Error("shards.json lists no shard"); }
      if (!manifest || JSON.stringify(manifest.layout) !== JSON.stringify(next.layout)) { files = {}; }
      manifest = next;
      // The number of pages and each filter's values with their counts come from the manifest.
      pageCount = Promise.resolve(Math.max(1, next.pages || 0));
      filterCounts = next.filters || {};
    }

    /* shards.json again, at most once a minute (or at once after a failed fetch): "no-cache" has
       the browser ask the server whether its copy is current, a few bytes when it is. */
    function refresh(force) {
      if (!force && Date.now() - checked < MANIFEST_CHECK_MS) { return Promise.resolve(); }
      checked = Date.now();
      return fetchJson(bundle + "shards.json", { cache: "no-cache" }).then(useManifest);
    }

    /* A shard's file at the shard's version (`?v=`): a copy cached from another version is never
       read. Each is fetched once per page load; a failed fetch is forgotten, and the next search
       checks the list of shards first. */
    function file(layout, shard, path) {
      var url = bundle + shard + "/" + path + "?v=" + layout.version;
      if (!files[url]) {
        files[url] = fetchJson(url).catch(function (error) {
          delete files[url];
          checked = 0;
          throw error;
        });
      }
      return files[url];
    }

    function postings(layout, shard, term) {
      var alone = term.length === 5 && term.charAt(0) === "q";
      var path = (alone ? "c/" : "t/") + (fnv1a(term) % (alone ? layout.characters : layout.terms)) + ".json";
      return file(layout, shard, path).then(function (bucket) {
        return Object.prototype.hasOwnProperty.call(bucket, term) ? bucket[term] : [];
      });
    }

    function allowed(layout, shard, filters) {
      var names = Object.keys(filters || {});
      if (!names.length) { return Promise.resolve(null); }
      return file(layout, shard, "filters.json").then(function (table) {
        var ids = null;
        names.forEach(function (name) {
          var values = [].concat(filters[name]), here = {};
          values.forEach(function (value) { ((table[name] || {})[value] || []).forEach(function (id) { here[id] = true; }); });
          if (ids) { Object.keys(ids).forEach(function (id) { if (!here[id]) { delete ids[id]; } }); } else { ids = here; }
        });
        return ids;
      });
    }

    function result(layout, shard, id, score, words) {
      return { id: shard + "/" + id, score: score, words: words, data: function () { return file(layout, shard, "f/" + id + ".json"); } };
    }

    return refresh(true).then(function () {
      return {
        refresh: refresh,
        /* {results: [{id, score, words, data()}]}, best first, as rank() below reads them. */
        search: function (term, options) {
          var current = manifest;
          return Promise.all(current.shards.map(function (shard) {
            var layout = current.layout[shard];
            return Promise.all([postings(layout, shard, term), allowed(layout, shard, (options || {}).filters)]).then(function (both) {
              var flat = both[0], only = both[1], results = [], id = 0;
              for (var i = 0; i < flat.length;) {
                id += flat[i];
                var weight = flat[i + 1], count = flat[i + 2], words = [], position = 0;
                for (var k = 0; k < count; k += 1) { position += flat[i + 3 + k]; words.push(position); }
                i += 3 + count;
                if (only && !only[id]) { continue; }
                results.push(result(layout, shard, id, (K1 + 1) * weight / (weight + K1), words));
              }
              return results;
            });
          })).then(function (perShard) {
            var results = [].concat.apply([], perShard);
            results.sort(function (a, b) { return b.score - a.score || (a.id < b.id ? -1 : 1); });
            return { results: results };
          });
        }
      };
    });
  }

  /* Pages ranked for `query`: each term weighs by how rare it is (idf) and, within that, by
     the index's score for the page (title and kicker count more); two bigrams of the query found
     side by side count again, so a page holding the query as written ranks above pages holding
     its characters scattered; then the first page of results puts headlines that say what was
     asked first (headlinesFirst). */
  function rank(index, query, filters) {
    var plan = queryPlan(query), terms = queryTerms(query);
    if (!terms.length) { return Promise.resolve([]); }
    var options = filters && Object.keys(filters).length ? { filters: filters } : {};
    return index.refresh().then(function () {
      return Promise.all([pageCount].concat(terms.map(function (term) { return index.search(term, options); })));
    }).then(function (searches) {
      var total = searches[0], pages = {}, idf = {};
      searches.slice(1).forEach(function (search, t) {
        var results = search.results;
        if (!results.length) { return; }
        var best = results[0].score || 1, most = 1;
        results.forEach(function (result) { most = Math.max(most, (result.words || []).length); });
        idf[terms[t]] = Math.log(1 + total / results.length);
        results.forEach(function (result) {
          var page = pages[result.id] || (pages[result.id] = { result: result, score: 0, words: {} });
          // The index's score (weights) and, at half that, how often the page says it (which
          // the score saturates early): a story about 微信群 says it a dozen times.
          var often = Math.log(1 + (result.words || []).length) / Math.log(1 + most);
          page.score += idf[terms[t]] * (0.25 + result.score / best + 0.5 * often);
          page.words[terms[t]] = result.words || [];
        });
      });
      Object.keys(pages).forEach(function (id) {
        var page = pages[id];
        plan.forEach(function (step, k) {
          var before = k && page.words[plan[k - 1].term], here = page.words[step.term];
          if (!step.follows || !before || !here) { return; }
          var next = {};
          before.forEach(function (position) { next[position + 1] = true; });
          if (here.some(function (position) { return next[position]; })) {
            page.score += (idf[plan[k - 1].term] + idf[step.term]) / 2;
          }
        });
      });
      var ranked = Object.keys(pages).map(function (id) { return pages[id]; }).sort(byScore);
      return headlinesFirst(ranked, query, idf, total);
    });
  }

  function byScore(a, b) { return b.score - a.score || (a.result.id < b.result.id ? -1 : 1); }

  /* The first page of results, each with its data, reordered so a page whose headline says what was
     asked comes first: the index weighs the headline's words but cannot tell a headline that is the
     query (健康证明 for 办健康证明) from a story that mentions it once. What the headline holds of
     the query (headlineShare), weighed by how rare each piece is, adds up to the weight of the whole
     query, so a common verb (申请, 要办) held by a headline decides less than the thing asked about;
     the kicker counts at half. The headline is the part of the title the page weighs as one (a
     ledger month's town is not: buildtools/search_text.py). Only the results listed first are
     reordered: their data (with the headline) is fetched to show them anyway. */
  function headlinesFirst(ranked, query, idf, total) {
    var first = ranked.slice(0, PAGE_SIZE), pieces = queryPieces(query);
    var rarity = pieces.map(function (piece) { return idf[piece.term] || Math.log(1 + total); });
    var weight = Object.keys(idf).reduce(function (sum, term) { return sum + idf[term]; }, 0);
    return Promise.all(first.map(function (page) { return page.result.data(); })).then(function (data) {
      var headlines = data.map(function (page) { return page.meta.headline || page.meta.title || ""; });
      var usual = headlines.reduce(function (sum, text) { return sum + Array.from(text).length; }, 0) / Math.max(1, headlines.length);
      first.forEach(function (page, i) {
        page.data = data[i];
        // As BM25 does for a field: a headline that is short beside the others is about what it
        // holds, a long one (a problem told in a sentence) only mentions it.
        var length = Array.from(headlines[i]).length;
        var focus = 1 / (1 - HEADLINE_LENGTH_EFFECT + HEADLINE_LENGTH_EFFECT * length / Math.max(1, usual));
        var headline = headlineShare(headlines[i], pieces, rarity) * focus;
        var kicker = headlineShare(data[i].meta.kicker || "", pieces, rarity);
        page.score += weight * (headline + KICKER_SHARE * kicker);
      });
      return first.sort(byScore).concat(ranked.slice(PAGE_SIZE));
    });
  }

  var KICKER_SHARE = 0.5;
  var HEADLINE_LENGTH_EFFECT = 0.75;  // BM25's b
  var ABBREVIATION_SHARE = 0.8;  // 低保 in 最低生活保障: nearly as good as the two side by side
  var ABBREVIATION_SPAN = 3;  // the second character at most this many after the first

  /* The query's pieces as queryPlan looks them up, each with its text: Han bigrams (a character
     alone only when it is the whole query), numbers and words. */
  function queryPieces(query) {
    var pieces = [], match, text = asked(query), runs = [];
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) { runs.push(match); }  // before queryTerms reuses WORD
    runs.forEach(function (match) {
      if (!match[2]) { pieces.push({ text: match[0], term: queryTerms(match[0])[0] }); return; }
      var characters = Array.from(match[2]);
      if (characters.length === 1 && runs.length === 1) { pieces.push({ text: characters[0], term: queryTerms(characters[0])[0] }); }
      for (var i = 0; i + 1 < characters.length; i += 1) {
        var bigram = characters[i] + characters[i + 1];
        pieces.push({ text: bigram, term: queryTerms(bigram)[0] });
      }
    });
    return pieces.filter(function (piece) { return piece.term; });
  }

  /* How much of the query `text` holds, from 0 to 1, each piece weighed by its rarity: a piece found
     as written counts whole; a Han bigram whose two characters stand in order a few characters apart
     within one run counts ABBREVIATION_SHARE, since Chinese shortens a name by keeping characters in
     order (低保 for 最低生活保障, 货运 for 货物运输). */
  function headlineShare(text, pieces, rarity) {
    if (!text) { return 0; }
    var terms = queryTerms(text), runs = [], match, normal = normalise(text), held = 0, weight = 0;
    var han = new RegExp("[" + HAN + "]+", "gu");
    while ((match = han.exec(normal)) !== null) { runs.push(Array.from(match[0])); }
    pieces.forEach(function (piece, k) {
      weight += rarity[k];
      if (terms.indexOf(piece.term) >= 0) { held += rarity[k]; }
      else if (abbreviated(Array.from(piece.text), runs)) { held += ABBREVIATION_SHARE * rarity[k]; }
    });
    return weight ? held / weight : 0;
  }

  function abbreviated(pair, runs) {
    if (pair.length !== 2) { return false; }
    return runs.some(function (run) {
      for (var i = 0; i < run.length; i += 1) {
        if (run[i] !== pair[0]) { continue; }
        for (var j = i + 2; j < run.length && j <= i + ABBREVIATION_SPAN; j += 1) {
          if (run[j] === pair[1]) { return true; }
        }
      }
      return false;
    });
  }

  /* Up to `length` characters of `text` around the first place it holds most of the query, after
     the headline when the text holds the query there too (the headline is shown above it). */
  function excerpt(text, pieces, length, headline) {
    var lower = text.toLowerCase(), at = -1;
    var afterHeadline = headline ? lower.indexOf(headline.toLowerCase()) : -1;
    afterHeadline = afterHeadline < 0 ? 0 : afterHeadline + headline.length;
    for (var size = pieces.length; size > 0 && at < 0; size -= 1) {
      for (var start = 0; start + size <= pieces.length && at < 0; start += 1) {
        var phrase = pieces.slice(start, start + size).map(function (piece, i) { return i ? piece.slice(-1) : piece; }).join("");
        at = lower.indexOf(phrase, afterHeadline);
        if (at < 0) { at = lower.indexOf(phrase); }
      }
    }
    var begin = Math.max(0, at - Math.floor(length / 4));
    var cut = text.slice(begin, begin + length);
    return (begin > 0 ? "……" : "") + cut + (begin + length < text.length ? "……" : "");
  }

  /* `text` as nodes, every occurrence of a piece of the query in <mark>. */
  function highlighted(text, pieces) {
    var lower = text.toLowerCase(), marked = new Array(text.length + 1).join("0").split("");
    pieces.forEach(function (piece) {
      for (var at = lower.indexOf(piece); at >= 0 && piece; at = lower.indexOf(piece, at + 1)) {
        for (var i = at; i < at + piece.length; i += 1) { marked[i] = "1"; }
      }
    });
    var fragment = document.createDocumentFragment(), run = "", inMark = false;
    function flush() {
      if (!run) { return; }
      if (inMark) { var mark = document.createElement("mark"); mark.textContent = run; fragment.appendChild(mark); }
      else { fragment.appendChild(document.createTextNode(run)); }
      run = "";
    }
    for (var i = 0; i < text.length; i += 1) {
      if ((marked[i] === "1") !== inMark) { flush(); inMark = marked[i] === "1"; }
      run += text.charAt(i);
    }
    flush();
    return fragment;
  }

  function dateText(value) {
    var parts = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(value || "");
    if (!parts) { return ""; }
    return parts[1] + "年" + Number(parts[2]) + "月" + (parts[3] ? Number(parts[3]) + "日" : "");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function resultItem(data, pieces) {
    var item = element("li", "lp-search-result");
    var heading = element("h2", "lp-search-result__title");
    var link = element("a", "lp-search-result__link", data.meta.title || data.url);
    link.href = data.url;
    heading.appendChild(link);
    item.appendChild(heading);
    var facts = element("p", "lp-search-result__meta");
    if (data.meta["类型"]) { facts.appendChild(element("span", "lp-search-result__type", data.meta["类型"])); }
    var date = dateText(data.meta["日期"]);
    if (date) { facts.appendChild(element("span", "lp-search-result__date", date)); }
    if (facts.childNodes.length) { item.appendChild(facts); }
    var text = data.meta.text || "";
    if (text) {
      var quote = element("p", "lp-search-result__excerpt");
      quote.appendChild(highlighted(excerpt(text, pieces, 90, data.meta.title), pieces));
      item.appendChild(quote);
    }
    return item;
  }

  /* The page's own controls, taken over once the index's list of shards is loaded. */
  function startPage(root, index) {
    var form = root.querySelector("form"), input = root.querySelector("input[name=q]");
    var status = root.querySelector("[data-search-status]"), list = root.querySelector("[data-search-results]");
    var more = root.querySelector("[data-search-more]"), filterBox = root.querySelector("[data-search-filters]");
    var chosen = {}, ranked = [], shown = 0, asked = 0, timer = null;

    function setStatus(text) { status.textContent = text; status.hidden = !text; }

    /* The next ten results; counted as shown only once they are listed, so a failed fetch leaves
       显示更多 able to try the same ten again. */
    function showMore(query, ticket) {
      var slice = ranked.slice(shown, shown + PAGE_SIZE);
      return Promise.all(slice.map(function (page) { return page.data || page.result.data(); })).then(function (pages) {
        if (ticket !== asked) { return; }
        shown += slice.length;
        more.hidden = shown >= ranked.length;
        var pieces = markPieces(query);
        pages.forEach(function (data) { list.appendChild(resultItem(data, pieces)); });
      });
    }

    function failed(error, ticket) {
      if (window.console) { window.console.error("站内搜索出错：", error); }
      if (ticket === asked) { setStatus(UNFINISHED); }
    }

    function run(query) {
      var ticket = (asked += 1);
      query = query.trim();
      root.removeAttribute("data-search-done");  // set again once these results are listed
      list.textContent = "";
      more.hidden = true;
      if (!query) { setStatus(""); filterBox.hidden = true; return Promise.resolve(); }
      setStatus("正在搜索“" + query + "”……");
      return rank(index, query, chosen).then(function (pages) {
        if (ticket !== asked) { return; }
        ranked = pages;
        shown = 0;
        // No box when no filter offers a choice, or nothing was found and no filter is set to undo.
        filterBox.hidden = !filterBox.childElementCount || (!pages.length && !Object.keys(chosen).length);
        var also = alsoAsked(query);
        var alsoText = also.length ? "（同时搜索了“" + also.join("”“") + "”）" : "";
        setStatus(pages.length
          ? "找到 " + pages.length + " 条与“" + query + "”相关的结果" + alsoText + "。"
          : "没有找到与“" + query + "”相关的内容" + alsoText + "。请换一个词，或按栏目、按日期浏览。");
        return showMore(query, ticket);
      }).then(function () {
        if (ticket === asked) { root.setAttribute("data-search-done", query); }
      }).catch(function (error) { failed(error, ticket); });
    }

    function buildFilters(available) {
      Object.keys(available).sort().forEach(function (name) {
        var values = Object.keys(available[name]).sort();
        if (values.length < 2) { return; }  // a filter with one value offers nothing
        var label = element("label", "lp-search__filter");
        label.appendChild(element("span", "lp-search__filter-name", name));
        var select = element("select", "lp-search__select");
        select.name = name;
        select.appendChild(element("option", "", "全部"));
        select.options[0].value = "";
        values.forEach(function (value) {
          var option = element("option", "", value + "（" + available[name][value] + "）");
          option.value = value;
          select.appendChild(option);
        });
        select.addEventListener("change", function () {
          if (select.value) { chosen[name] = select.value; } else { delete chosen[name]; }
          run(input.value);
        });
        label.appendChild(select);
        filterBox.appendChild(label);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(input.value.trim()));
      run(input.value);
    });
    // While a pinyin or handwriting keyboard is still composing (lao'nian before 老年), the box
    // holds letters that are not the query: search once the characters are chosen.
    function searchSoon(event) {
      if (event.isComposing) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { run(input.value); }, 300);
    }
    input.addEventListener("input", searchSoon);
    input.addEventListener("compositionend", searchSoon);
    more.addEventListener("click", function () {
      var ticket = asked;
      showMore(input.value.trim(), ticket).catch(function (error) { failed(error, ticket); });
    });
    var hints = document.querySelectorAll("[data-search-no-js]");
    for (var i = 0; i < hints.length; i += 1) { hints[i].hidden = true; }
    var query = new URLSearchParams(window.location.search).get("q") || "";
    if (query) {
      input.value = query;
      var headerBox = document.getElementById("lp-search-q");  // the header's box keeps what was asked
      if (headerBox) { headerBox.value = query; }
    } else {
      input.focus();
    }
    // The filters first, so a result list is never shown without them.
    buildFilters(filterCounts);
    if (query) { run(query); }
  }

  var root = document.getElementById("lp-search");
  if (!root || typeof window.fetch !== "function" || !("normalize" in String.prototype)) { return; }
  synonyms = readSynonyms(root);
  var bundle = new URL(root.getAttribute("data-bundle-path"), document.baseURI).href;
  var ready = loadIndex(bundle);
  // For benchmarks/search_bench.py and the browser tests: the same ranking the page shows.
  window.lilingSearch = {
    terms: queryTerms,
    rank: function (query, filters) {
      return ready.then(function (index) { return rank(index, query, filters); }).then(function (pages) {
        return Promise.all(pages.slice(0, PAGE_SIZE).map(function (page) { return page.data || page.result.data(); }))
          .then(function (data) { return { count: pages.length, urls: data.map(function (d) { return d.url; }) }; });
      });
    }
  };
  ready.then(function (index) { startPage(root, index); }).catch(function (error) {
    if (window.console) { window.console.error("站内搜索无法启动：", error); }
    // JavaScript runs, so the hint that it is off would be wrong: say what happened instead, and
    // keep what was asked in the box (搜索 then submits the form, which loads the page again).
    var hints = document.querySelectorAll("[data-search-no-js]");
    for (var i = 0; i < hints.length; i += 1) { hints[i].hidden = true; }
    var status = root.querySelector("[data-search-status]");
    status.textContent = "站内搜索暂时无法使用，可能是网络不稳定。请稍后刷新本页，或按栏目、按日期浏览。";
    status.hidden = false;
    root.querySelector("input[name=q]").value = new URLSearchParams(window.location.search).get("q") || "";
  });
})();
