/*
 * The site's search worker: Chinese-aware search behind Material for MkDocs' own search box.
 *
 * Material lets a site replace its search worker (see setupSearchWorker in Material's
 * sources: "allows the author to implement custom search functionality, by providing a
 * custom web worker"); scripts/kb/mkdocs_hooks/search.py points the theme at this file.
 * The worker speaks Material's four messages: SETUP (0) -> READY (1), QUERY (2) -> RESULT (3).
 *
 * Index (search/kb_index.js, written at build time by scripts/kb/search_index.py): one
 * document per page section, with
 *   t / x   title and plain text: indexed here as English words and CJK character bigrams;
 *   tw / xw the same text cut into words by jieba at build time (space-separated);
 *   g / gw  glossary forms (data/glossary.yaml) on the page that explains each term,
 * and a Traditional -> Simplified character map for the corpus' characters.
 * The index is loaded on the first query, not at page load (it is the large part).
 *
 * A query is normalised (NFKC, lower case, Traditional -> Simplified); each run of Chinese
 * characters is cut into the index's own words (fewest words, unknown characters kept as
 * single characters) and into bigrams. A section matches when it contains every word, or
 * every bigram (so a phrase cut differently at build time is still found); when nothing
 * matches, any term will do. Sections are grouped by page for Material's result list.
 *
 * Runs as a real worker over http(s), and inside iframe-worker's shim from file://, where
 * importScripts() returns a Promise (hence the awaits).
 */
"use strict";

var KB = (function () {
  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var LATIN = /[a-z0-9]+/g;
  var BOOST = { t: 3, tw: 3, g: 4, gw: 4, x: 1, xw: 1 };
  var FIELDS = ["t", "tw", "g", "gw", "x", "xw"];

  /* Light English normalisation, the same for the index and the query: plurals only. */
  function stem(word) {
    if (word.length > 4 && /ies$/.test(word)) return word.slice(0, -3) + "y";
    if (word.length > 3 && /s$/.test(word) && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
    return word;
  }

  function normalize(text, t2s) {
    text = text.normalize("NFKC").toLowerCase();
    if (!t2s) return text;
    var out = "";
    for (var ch of text) out += t2s[ch] || ch;
    return out;
  }

  function bigrams(run) {
    if (run.length < 2) return [run];
    var out = [];
    for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    return out;
  }

  function latinTokens(text) {
    return (text.match(LATIN) || []).map(stem);
  }

  function cjkRuns(text) {
    return text.match(CJK) || [];
  }

  /* Index-time tokens of a plain-text field (already normalised). */
  function fieldTokens(text) {
    var tokens = latinTokens(text);
    for (var run of cjkRuns(text)) tokens.push.apply(tokens, bigrams(run));
    return tokens;
  }

  /* Cut a run of Chinese characters into the fewest words of the index's vocabulary. */
  function segment(run, vocab, maxLen) {
    var n = run.length, cost = [0], back = [0];
    for (var i = 1; i <= n; i++) {
      cost[i] = cost[i - 1] + 1;
      back[i] = i - 1;
      for (var j = Math.max(0, i - maxLen); j <= i - 2; j++) {
        if (cost[j] + 1 < cost[i] && vocab.has(run.slice(j, i))) {
          cost[i] = cost[j] + 1;
          back[i] = j;
        }
      }
    }
    var words = [];
    for (var k = n; k > 0; k = back[k]) words.unshift(run.slice(back[k], k));
    return words;
  }

  /* The query as words, bigrams and English terms; `display` names what the reader typed. */
  function parseQuery(raw, t2s, vocab, maxLen) {
    var text = normalize(raw, t2s);
    var latin = latinTokens(text), words = [], grams = [], prefix = new Set();
    for (var run of cjkRuns(text)) {
      words.push.apply(words, segment(run, vocab, maxLen));
      grams.push.apply(grams, bigrams(run));
      if (run.length === 1) prefix.add(run);
    }
    latin.forEach(function (term, i) {
      var last = i === latin.length - 1 && !/\s$/.test(raw);
      if (term.length >= 2 && (last || term.length >= 4)) prefix.add(term);
    });
    return { latin: latin, words: words, grams: grams, prefix: prefix,
             display: unique(latin.concat(words)) };
  }

  function unique(list) {
    return Array.from(new Set(list));
  }

  function escapeHTML(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* Mark every displayed term in a plain text; English terms match as word prefixes. */
  function highlighter(display) {
    var parts = display.filter(function (t) { return t.length > 1 || /[^\x00-\x7f]/.test(t); })
      .sort(function (a, b) { return b.length - a.length; })
      .map(function (t) { return /^[a-z0-9]+$/.test(t) ? escapeRegExp(t) + "[a-z0-9]*" : escapeRegExp(t); });
    if (!parts.length) return function (text) { return escapeHTML(text); };
    var re = new RegExp("(" + parts.join("|") + ")", "gi");
    return function (text) {
      var out = "", last = 0, m;
      re.lastIndex = 0;
      while ((m = re.exec(text))) {
        out += escapeHTML(text.slice(last, m.index)) + "<mark>" + escapeHTML(m[0]) + "</mark>";
        last = m.index + m[0].length;
      }
      return out + escapeHTML(text.slice(last));
    };
  }

  /* A teaser: the text around the first highlighted term, at most ~160 characters. */
  function teaser(text, display) {
    var at = -1, lower = text.toLowerCase();
    for (var t of display) {
      var i = lower.indexOf(t);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    }
    var start = Math.max(0, at - 40);
    var snippet = text.slice(start, start + 160);
    return (start > 0 ? "…" : "") + snippet + (start + 160 < text.length ? "…" : "");
  }

  function Engine(data, MiniSearch) {
    var docs = data.docs, t2s = data.t2s || {};
    var vocab = new Set(), maxLen = 2;
    docs.forEach(function (doc, i) {
      doc.i = i;
      for (var f of ["tw", "xw", "gw"])
        for (var w of (doc[f] || "").split(" "))
          if (w) { vocab.add(w); if (w.length > maxLen) maxLen = w.length; }
    });
    var index = new MiniSearch({
      idField: "i",
      fields: FIELDS,
      tokenize: function (text, field) {
        // The pages are Simplified Chinese: only queries need the Traditional -> Simplified map.
        return /w$/.test(field) ? text.split(" ") : fieldTokens(normalize(text, null));
      },
      processTerm: function (term) { return term || null; },
      searchOptions: {
        tokenize: function (text) { return text.split(" "); },
        processTerm: function (term) { return term; },
        boost: BOOST,
        boostDocument: function (id) { return docs[id].b || 1; }
      }
    });
    index.addAll(docs);
    this.index = index;
    this.docs = docs;
    this.t2s = t2s;
    this.vocab = vocab;
    this.maxLen = maxLen;
  }

  Engine.prototype.parse = function (raw) {
    return parseQuery(raw, this.t2s, this.vocab, this.maxLen);
  };

  /* Ranked sections: every word, or every bigram; failing both, any term. */
  Engine.prototype.rank = function (q) {
    var prefix = q.prefix;
    var options = { prefix: function (term) { return prefix.has(term); } };
    var branches = [];
    var byWords = q.latin.concat(q.words), byGrams = q.latin.concat(q.grams);
    if (byWords.length) branches.push(Object.assign({ combineWith: "AND", queries: byWords }, options));
    if (q.grams.length && byGrams.join(" ") !== byWords.join(" "))
      branches.push(Object.assign({ combineWith: "AND", queries: byGrams }, options));
    if (!branches.length) return [];
    var hits = this.index.search(Object.assign({ combineWith: "OR", queries: branches }, options));
    if (!hits.length)
      hits = this.index.search(Object.assign(
        { combineWith: "OR", queries: unique(byWords.concat(q.grams)) }, options));
    return hits;
  };

  /* Material's result: sections grouped by page, pages by score; each group has its page. */
  Engine.prototype.search = function (raw) {
    var q = this.parse(raw);
    var hits = this.rank(q);
    var mark = highlighter(q.display), docs = this.docs;
    var groups = new Map();
    hits.forEach(function (hit) {
      var doc = docs[hit.id], page = doc.l.split("#")[0];
      var found = new Set(hit.queryTerms);
      var terms = {};
      q.display.forEach(function (term) {
        terms[term] = found.has(term) ||
          Array.from(found).some(function (f) { return f.indexOf(term) === 0; }) ||
          (/[^\x00-\x7f]/.test(term) && bigrams(term).every(function (g) { return found.has(g); }));
      });
      var item = { location: doc.l, title: mark(doc.t), text: "<p>" + mark(teaser(doc.x, q.display)) + "</p>",
                   score: hit.score, terms: terms };
      if (!groups.has(page)) groups.set(page, []);
      groups.get(page).push(item);
    });
    var items = [];
    groups.forEach(function (group, page) {
      group.sort(function (a, b) { return b.score - a.score; });
      if (!group.some(function (item) { return item.location === page; })) {
        var doc = docs.find(function (d) { return d.l === page; });
        if (doc) group.push({ location: doc.l, title: escapeHTML(doc.t), text: "", score: 0, terms: {} });
      }
      var rest = group.slice(1).reduce(function (sum, item) { return sum + item.score; }, 0);
      items.push({ group: group, score: group[0].score + 0.25 * rest });
    });
    items.sort(function (a, b) { return b.score - a.score; });
    return { items: items.map(function (entry) { return entry.group; }), suggest: [] };
  };

  return { Engine: Engine, normalize: normalize, segment: segment, bigrams: bigrams,
           fieldTokens: fieldTokens, parseQuery: parseQuery, stem: stem };
})();

if (typeof module !== "undefined" && module.exports) {
  module.exports = KB;  // for unit tests under Node
} else {
  (function () {
    var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
    var engine = null, loading = null;

    /* This script's own URL: in iframe-worker (file://) it is the first script with a src. */
    function selfURL() {
      if (typeof document !== "undefined") {
        var script = document.querySelector("script[src]");
        if (script) return script.src;
      }
      return self.location.href;
    }

    function load() {
      if (!loading) {
        var base = selfURL();
        loading = Promise.resolve()
          .then(function () {
            return importScripts(new URL("../vendor/minisearch/umd/index.js", base).href,
                                 new URL("../search/kb_index.js", base).href);
          })
          .then(function () {
            engine = new KB.Engine(self.__kbIndex, self.MiniSearch);
          });
      }
      return loading;
    }

    addEventListener("message", function (ev) {
      var message = ev.data;
      if (message.type === SETUP) {
        postMessage({ type: READY });
      } else if (message.type === QUERY) {
        // Material sends the (empty) box's value once the worker is ready: no index needed yet.
        if (!engine && !/\S/.test(message.data)) {
          postMessage({ type: RESULT, data: { items: [], suggest: [] } });
          return;
        }
        load().then(function () {
          var data;
          try {
            data = engine.search(message.data);
          } catch (err) {
            console.warn("search failed for " + JSON.stringify(message.data), err);
            data = { items: [] };
          }
          postMessage({ type: RESULT, data: data });
        });
      }
    });
  })();
}
