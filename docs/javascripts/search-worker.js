/*
 * The site's search worker: Chinese-aware search behind Material for MkDocs' own search box.
 *
 * Material lets a site replace its search worker (see setupSearchWorker in Material's
 * sources: "allows the author to implement custom search functionality, by providing a
 * custom web worker"); scripts/kb/mkdocs_hooks/search.py points the theme at this file.
 * The worker speaks Material's four messages: SETUP (0) -> READY (1), QUERY (2) -> RESULT (3).
 *
 * Index (search/kb/, serialised at build time by scripts/kb/search_index.py, shard_files): an
 * inverted index of the sections of every page, in code-point order cut into shards. The first
 * query loads the manifest (shard boundaries, sections per page, Traditional -> Simplified map);
 * each query then loads only the shards its terms fall in, the English vocabulary of a letter for
 * fuzzy and prefix matching, and the metadata (title, text) of the pages it shows; a small index
 * (the site's own) is loaded whole once the reader pauses. Terms are English words (plurals
 * stemmed), CJK bigrams, jieba's words and the glossary's forms (synonyms, abbreviations,
 * Traditional forms) on the page that explains each term; each posting carries a BM25F weight
 * computed at build time. A term's postings are one string, decoded only when a query uses it.
 *
 * A query is normalised (NFKC, lower case, Traditional -> Simplified). Question phrases (什么,
 * 为什么, 怎么, 如何, 多大 ...) are dropped; function words (的, 是, 吗 ...) and words about the
 * question (区别, 作用 ...) are not required; "A 和 B", "A 与 B", "A vs B" search A and B, which
 * may be in different sections of one page. Each run of Chinese characters is cut into the
 * index's own words (fewest words) and into bigrams; a section covers the query when it holds
 * every word, or every bigram; ranking multiplies a section's score by the square of the share
 * of the query it covers (so a section that holds every word comes first, and a description in
 * other words still finds the sections that hold most of it). English words of 5+ letters match
 * within edit distance 1 (2 from 8 letters) when the index lacks them, the last word being
 * typed matches as a prefix; both rank below exact matches. The result lists the best ten pages,
 * each with its best three sections (Pagefind's default), and gives Material the words the reader
 * typed as each section's terms (Material prints the ones a section lacks as missing).
 *
 * Runs as a real worker over http(s) (shards fetched in parallel), and inside iframe-worker's
 * shim from file://, where importScripts() returns a Promise.
 */
"use strict";

var KB = (function () {
  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var TOKEN = /[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var LATIN = /[a-z0-9]+/g;
  /* Dropped from the query: they ask, they do not describe. Longest first. */
  var QUESTION = ["是什么意思", "什么意思", "为什么", "是什么", "什么是", "怎么样", "有什么", "有哪些",
                  "是不是", "什么", "怎么", "怎样", "如何", "哪些", "哪个", "多大", "多少", "是否", "为何",
                  "请问", "吗", "呢", "吧", "啊"];
  /* Not required (a page need not say them), still scored where present. */
  var FUNCTION = new Set(["的", "地", "得", "了", "是", "在", "把", "被", "给", "让", "用", "对", "从", "向",
                          "会", "要", "能", "有", "才", "就", "都", "也", "还", "又", "着", "过", "之", "及",
                          "而", "或", "将", "其", "这", "那", "一个", "这个", "那个", "可以", "需要", "进行",
                          "区别", "不同", "差别", "异同", "作用", "意思", "用途", "好处", "原理", "介绍",
                          "比较", "好", "一下", "the", "a", "an", "of", "what", "is", "how", "why", "to"]);
  /* Between two things compared: both are searched, each must be found on the page. */
  var COMPARE = new Set(["和", "与", "跟", "同", "还是", "以及", "对比", "vs", "versus"]);
  var EXACT = 1, PREFIX = 0.6, FUZZY = 0.45, OPTIONAL = 0.3;
  var MAX_PAGES = 10, MAX_SECTIONS = 3, MIN_SECTION_SHARE = 0.1;

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

  /* Index-time terms of a plain-text field: scripts/kb/search_index.py, field_terms, does the same. */
  function fieldTokens(text) {
    var tokens = latinTokens(text);
    for (var run of text.match(CJK) || []) tokens.push.apply(tokens, bigrams(run));
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

  /* Split a run at the question phrases it contains; they go to `asked` (scored, not required). */
  function dropQuestions(run, asked) {
    var parts = [run];
    QUESTION.forEach(function (phrase) {
      parts = [].concat.apply([], parts.map(function (p) {
        var pieces = p.split(phrase);
        if (pieces.length > 1) asked.push(phrase);
        return pieces;
      }));
    });
    return parts.filter(Boolean);
  }

  /* Levenshtein distance with transpositions, or max + 1 once it exceeds max. */
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur[j] = v;
        if (v < best) best = v;
      }
      if (best > max) return max + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  /* The query's structure before the index is consulted: groups (compared things) of parts, each
     part a Latin word or a run of Chinese characters; question phrases already dropped. */
  function parseQuery(raw, t2s) {
    var text = normalize(raw, t2s);
    var tokens = text.match(TOKEN) || [];
    var typingLast = !/\s$/.test(raw);
    var groups = [[]], asked = [];
    tokens.forEach(function (tok, i) {
      var group = groups[groups.length - 1];
      if (/^[a-z0-9]+$/.test(tok)) {
        if (COMPARE.has(tok)) { if (group.length) groups.push([]); return; }
        group.push({ latin: stem(tok), typed: tok, last: typingLast && i === tokens.length - 1 });
      } else {
        dropQuestions(tok, asked).forEach(function (run) { group.push({ run: run }); });
      }
    });
    return { groups: groups.filter(function (g) { return g.length; }), asked: asked, text: text };
  }

  /* The last index whose value is <= x in an ascending array (-1 if none). */
  function lastAtMost(sorted, x) {
    var lo = -1, hi = sorted.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (sorted[mid] <= x) lo = mid; else hi = mid - 1;
    }
    return lo;
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

  /* A term's postings as written by scripts/kb/search_index.py (_encode_postings): numbers in base 32,
     a digit of DIGITS' second half continues the number, one of its first half ends it; pairs of
     (section-number delta, weight). */
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/";
  var DIGIT = new Int8Array(128);
  for (var d = 0; d < DIGITS.length; d++) DIGIT[DIGITS.charCodeAt(d)] = d;

  function decodePostings(text) {
    var ends = 0;
    for (var i = 0; i < text.length; i++) if (DIGIT[text.charCodeAt(i)] < 32) ends++;
    var ids = new Int32Array(ends >> 1), w = new Float64Array(ends >> 1);
    var n = 0, value = 0, id = 0, k = 0;
    for (i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i)];
      if (digit >= 32) { value = value * 32 + digit - 32; continue; }
      value = value * 32 + digit;
      if (n++ & 1) w[k++] = value;
      else { id += value; ids[k] = id; }
      value = 0;
    }
    return { ids: ids, w: w };
  }

  /* The index: `manifest` as built, `load(names)` resolves once self.kbData has stored them. */
  function Engine(manifest, store, load) {
    this.m = manifest;
    this.store = store;
    this.load = load;
    this.starts = [0];
    var total = 0;
    manifest.sections.forEach(function (n) { total += n; this.starts.push(total); }, this);
    this.total = total;
    this.pageOfSection = new Int32Array(total);
    for (var p = 0; p < manifest.sections.length; p++)
      this.pageOfSection.fill(p, this.starts[p], this.starts[p + 1]);
    this.decoded = new Map();  // term -> {ids, w}: typing repeats terms
    this.spare = [];  // Scores given back, zeroed (see Engine.take)
    // Per section, zeroed after each use: a unit's best score over its alternatives (view), a
    // group's best value and the optional words' score (rank).
    this.best = new Float64Array(total);
    this.value = new Float64Array(total);
    this.extra = new Float64Array(total);
    this.maxLen = Math.min(manifest.maxLen, 8);
  }

  Engine.prototype.shardOf = function (term) {
    return lastAtMost(this.m.bounds, term);
  };

  /* The shards holding every term that starts with `prefix` (at most `limit`). */
  Engine.prototype.shardsWithPrefix = function (prefix, limit) {
    var first = Math.max(0, this.shardOf(prefix)), out = [];
    for (var s = first; s < this.m.bounds.length && out.length < limit; s++) {
      if (s > first && this.m.bounds[s].slice(0, prefix.length) > prefix) break;
      out.push("s/" + s);
    }
    return out;
  };

  Engine.prototype.row = function (term) {
    var shard = this.store["s/" + this.shardOf(term)];
    return shard && Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : null;
  };

  Engine.prototype.has = function (term) {
    return this.row(term) !== null;
  };

  /* A word of the index (jieba's or the glossary's), not only a bigram of its text. */
  Engine.prototype.isWord = function (term) {
    var row = this.row(term);
    return row !== null && (row[2] & 2) !== 0;
  };

  /* Terms of the loaded shards that start with `prefix`. */
  Engine.prototype.withPrefix = function (prefix, limit) {
    var out = [];
    for (var name of this.shardsWithPrefix(prefix, 4)) {
      var shard = this.store[name];
      if (!shard) continue;
      for (var term in shard) if (term.indexOf(prefix) === 0 && term !== prefix && out.length < limit) out.push(term);
    }
    return out;
  };

  Engine.prototype.idf = function (row) {
    var df = row[0];
    return Math.log(1 + (this.total - df + 0.5) / (df + 0.5));
  };

  /* A term's sections and scores (weight * idf * factor); `common` terms (only their best sections
     stored) score but are not required. */
  Engine.prototype.postings = function (term, factor) {
    var row = this.row(term);
    if (!row) return null;
    var d = this.decoded.get(term);
    if (!d) {
      d = decodePostings(row[1]);
      if (this.decoded.size > 500) this.decoded.clear();
      this.decoded.set(term, d);
    }
    var idf = this.idf(row);
    return { ids: d.ids, w: d.w, mult: idf * factor / this.m.scale, idf: idf, common: (row[2] & 1) !== 0 };
  };

  Engine.prototype.needs = function (q) {
    var names = new Set(), self = this;
    q.groups.forEach(function (group) {
      group.forEach(function (part) {
        if (part.latin) {
          names.add("s/" + self.shardOf(part.latin));
          if (part.latin.length >= 5 || part.last) {
            var letters = [part.latin[0]];
            if (part.latin.length >= 5) letters.push(part.latin[1]);
            letters.forEach(function (c) { if (self.m.letters.indexOf(c) >= 0) names.add("v/" + c); });
          }
        } else {
          var run = part.run;
          for (var i = 0; i < run.length; i++)
            for (var j = i + 1; j <= Math.min(run.length, i + self.maxLen); j++)
              names.add("s/" + self.shardOf(run.slice(i, j)));
        }
      });
    });
    q.asked.forEach(function (w) { names.add("s/" + self.shardOf(w)); });
    names.delete("s/-1");
    return Array.from(names);
  };

  /* English alternatives: the word itself, words it starts (typing), near spellings (typos). */
  Engine.prototype.latinAlternatives = function (part) {
    var word = part.latin, alts = [];
    var exact = this.has(word);
    if (exact) alts.push({ term: word, factor: EXACT });
    var vocab = [].concat(this.store["v/" + word[0]] || [],
                          word.length >= 5 && word[1] !== word[0] ? this.store["v/" + word[1]] || [] : []);
    if (part.last || (!exact && word.length >= 4)) {
      var typed = part.typed.length >= 2 ? part.typed : null;
      if (typed) vocab.forEach(function (term) {
        if (alts.length < 12 && term !== word && term.indexOf(typed) === 0) alts.push({ term: term, factor: PREFIX });
      });
    }
    if (!exact && word.length >= 5) {
      var max = word.length >= 8 ? 2 : 1, near = [];
      vocab.forEach(function (term) {
        if (term.length >= 4 && term !== word) {
          var d = distance(word, term, max);
          if (d <= max) near.push({ term: term, d: d });
        }
      });
      near.sort(function (a, b) { return a.d - b.d; });
      near.slice(0, 5).forEach(function (n) { alts.push({ term: n.term, factor: FUZZY / n.d }); });
    }
    return alts;
  };

  /* Stage 2: each group's units (what a section must hold) in two views, words and bigrams. */
  Engine.prototype.understand = function (q, lacking) {
    var self = this, vocab = { has: function (w) { return self.isWord(w); } };
    var groups = [], optional = q.asked.slice(), display = [];
    q.groups.forEach(function (parts) {
      var words = [], grams = [], splitAt = [];
      parts.forEach(function (part) {
        if (part.latin) {
          if (FUNCTION.has(part.typed)) { optional.push(part.latin); return; }
          var unit = { alts: self.latinAlternatives(part), label: part.typed };
          words.push(unit);
          grams.push(unit);
          display.push(part.latin);
          unit.alts.forEach(function (a) { if (a.factor < 1) display.push(a.term); });
          return;
        }
        var span = "", chars = "";
        var exact = function (t) { return { alts: [{ term: t, factor: EXACT }], label: t }; };
        var flush = function () {
          if (span) bigrams(span).forEach(function (g) {
            grams.push(g.length > 1 ? exact(g) : { alts: self.singleChar(g, lacking), label: g });
          });
          span = "";
        };
        // Characters the index has no word for: their bigrams in the words view too; a character
        // on its own is required only when it is all the reader typed.
        var flushChars = function () {
          if (chars.length > 1) bigrams(chars).forEach(function (g) { words.push(exact(g)); display.push(g); });
          else if (chars && part.run.length > 1) optional.push(chars);
          else if (chars) { words.push({ alts: self.singleChar(chars, lacking), label: chars }); display.push(chars); }
          chars = "";
        };
        segment(part.run, vocab, self.maxLen).forEach(function (w) {
          if (COMPARE.has(w)) { flushChars(); flush(); splitAt.push([words.length, grams.length]); return; }
          if (FUNCTION.has(w)) { flushChars(); flush(); optional.push(w); return; }
          span += w;
          if (w.length === 1) { chars += w; return; }
          flushChars();
          words.push(exact(w));
          display.push(w);
        });
        flushChars();
        flush();
      });
      // "A 和 B" inside one run of Chinese: two groups, split where the comparing word was.
      if (splitAt.length && splitAt[0][0] > 0 && words.length > splitAt[0][0]) {
        var w = splitAt[0][0], g = splitAt[0][1];
        groups.push({ words: words.slice(0, w), grams: grams.slice(0, g) },
                    { words: words.slice(w), grams: grams.slice(g) });
      } else if (words.length) {
        groups.push({ words: words, grams: grams });
      }
    });
    var typed = new Map();  // what the reader typed, once: Material lists the words a section lacks
    groups.forEach(function (g) { g.words.forEach(function (unit) { typed.set(unit.label, unit); }); });
    return { groups: groups, optional: unique(optional), display: unique(display), typed: Array.from(typed.values()) };
  };

  /* A single character: as a word if the index has it, else any term starting with it (the shards
     of those not loaded yet are added to `lacking`). */
  Engine.prototype.singleChar = function (c, lacking) {
    if (this.has(c)) return [{ term: c, factor: EXACT }];
    var store = this.store;
    if (lacking) this.shardsWithPrefix(c, 2).forEach(function (name) { if (!(name in store)) lacking.push(name); });
    return this.withPrefix(c, 20).map(function (t) { return { term: t, factor: PREFIX }; });
  };

  /* Typed arrays over all sections, and the list of sections touched: Maps of 100,000 sections
     were most of a query's time at 10,000 pages. */
  function Scores(total) {
    this.score = new Float64Array(total);
    this.cover = new Float64Array(total);
    this.seen = new Uint8Array(total);
    this.ids = [];
  }

  Scores.prototype.touch = function (id) {
    if (!this.seen[id]) { this.seen[id] = 1; this.ids.push(id); }
  };

  /* Scores are reused across queries: at 10,000 pages, allocating and collecting a few of them
     per query (2 MB each) cost as much as the scoring. `give` zeroes only the sections touched. */
  Engine.prototype.take = function () {
    return this.spare.pop() || new Scores(this.total);
  };

  Engine.prototype.give = function (scores) {
    for (var k = 0; k < scores.ids.length; k++) {
      var id = scores.ids[k];
      scores.score[id] = scores.cover[id] = scores.seen[id] = 0;
    }
    scores.ids.length = 0;
    this.spare.push(scores);
  };

  /* One unit's best score per section over its alternatives, and its weight in the coverage. */
  Engine.prototype.unitScores = function (unit) {
    var self = this, lists = [], common = false, idf = 0;
    unit.alts.forEach(function (alt) {
      var p = self.postings(alt.term, alt.factor);
      if (!p) return;
      common = common || p.common;
      idf = Math.max(idf, p.idf);
      lists.push(p);
    });
    return { lists: lists, idf: common ? 0 : Math.max(idf, 0.5) };
  };

  /* Score and coverage (share of the units' idf) of every section that holds one of the units. */
  Engine.prototype.view = function (units) {
    var out = this.take(), total = 0, best = this.best;
    var self = this;
    units.forEach(function (unit) {
      var u = self.unitScores(unit);
      total += u.idf;
      if (u.lists.length === 1) {
        var p = u.lists[0];
        for (var i = 0; i < p.ids.length; i++) {
          var id = p.ids[i];
          out.touch(id);
          out.score[id] += p.w[i] * p.mult;
          out.cover[id] += u.idf;
        }
        return;
      }
      var touched = [];
      u.lists.forEach(function (p) {
        for (var i = 0; i < p.ids.length; i++) {
          var id = p.ids[i], v = p.w[i] * p.mult;
          if (best[id] === 0) touched.push(id);
          if (v > best[id]) best[id] = v;
        }
      });
      touched.forEach(function (id) {
        out.touch(id);
        out.score[id] += best[id];
        out.cover[id] += u.idf;
        best[id] = 0;
      });
    });
    if (total) for (var k = 0; k < out.ids.length; k++) out.cover[out.ids[k]] /= total;
    else for (k = 0; k < out.ids.length; k++) out.cover[out.ids[k]] = 1;
    return out;
  };

  /* The best `limit` pages, ranked: [{page, score, cover, sections: [[id, score]], best first}]. */
  Engine.prototype.rank = function (u, limit) {
    var self = this, n = u.groups.length, pages = this.m.sections.length;
    var pageOf = this.pageOfSection;
    var section = this.take(), value = this.value, extra = this.extra;
    var best = new Float64Array(pages * n), cover = new Float64Array(pages * n);
    var touchedPages = [], pageSeen = new Uint8Array(pages);
    u.groups.forEach(function (g, gi) {
      var views = [self.view(g.words), self.view(g.grams)];
      views.forEach(function (v) {
        for (var k = 0; k < v.ids.length; k++) {
          var id = v.ids[k], c = v.cover[id];
          // A section that holds the whole query (every word or every bigram) counts double.
          var val = v.score[id] * c * c * (c > 0.999 ? 2 : 1);
          if (val > value[id] || !section.seen[id]) {
            var p = pageOf[id];
            if (!pageSeen[p]) { pageSeen[p] = 1; touchedPages.push(p); }
            if (val > best[p * n + gi]) best[p * n + gi] = val;
            if (c > cover[p * n + gi]) cover[p * n + gi] = c;
            section.touch(id);
            section.score[id] += val - value[id];
            value[id] = val;
          }
        }
      });
      views.forEach(function (v) {
        for (var k = 0; k < v.ids.length; k++) value[v.ids[k]] = 0;
        self.give(v);
      });
    });
    // Words not required (的, 区别 ...) add to the sections the query found; they find none.
    u.optional.forEach(function (w) {
      var p = self.postings(w, OPTIONAL);
      if (!p) return;
      for (var i = 0; i < p.ids.length; i++) if (section.seen[p.ids[i]]) extra[p.ids[i]] += p.w[i] * p.mult;
    });
    var top = new Float64Array(pages), topId = new Int32Array(pages), sum = new Float64Array(pages);
    for (var k = 0; k < section.ids.length; k++) {
      var id = section.ids[k], s = section.score[id] + extra[id], p = pageOf[id];
      section.score[id] = s;
      sum[p] += s;
      if (s > top[p]) { top[p] = s; topId[p] = id; }
    }
    var pageCover = new Float64Array(touchedPages.length), full = false;
    touchedPages.forEach(function (p, i) {
      for (var gi = 0; gi < n; gi++) pageCover[i] += cover[p * n + gi] / n;
      if (pageCover[i] > 0.999) full = true;
    });
    // The best `limit` pages, in order (ties in the order found): only they are shown, and sorting
    // every page found was a third of a query's time at 10,000 pages.
    var least = full ? 0.5 : 0.25, first = [], size = limit || MAX_PAGES;
    touchedPages.forEach(function (p, i) {
      if (pageCover[i] < least) return;
      var total = 0;
      for (var gi = 0; gi < n; gi++) total += best[p * n + gi];
      var score = total + extra[topId[p]] + 0.1 * (sum[p] - top[p]);
      if (first.length === size && score <= first[size - 1].score) return;
      var at = first.length;
      while (at > 0 && first[at - 1].score < score) at--;
      first.splice(at, 0, { page: p, cover: pageCover[i], score: score });
      if (first.length > size) first.pop();
    });
    var shown = new Array(pages);
    first.forEach(function (p) { p.sections = []; shown[p.page] = p; });
    section.ids.forEach(function (id) {
      var p = shown[pageOf[id]];
      if (p) p.sections.push([id, section.score[id]]);
    });
    // Sections far below the page's best (touched by one bigram of the query) are left out: at
    // 1,000 pages they were two thirds of the sections listed, and Material renders every one.
    first.forEach(function (p) {
      p.sections.sort(function (x, y) { return y[1] - x[1]; });
      var least = p.sections[0][1] * MIN_SECTION_SHARE;
      p.sections = p.sections.filter(function (s) { return s[1] >= least; }).slice(0, MAX_SECTIONS);
    });
    section.ids.forEach(function (id) { extra[id] = 0; });
    this.give(section);
    return first;
  };

  /* Material's result: sections grouped by page, pages by score; each group has its page. */
  Engine.prototype.search = function (raw) {
    var self = this, q = parseQuery(raw, this.m.t2s);
    if (!q.groups.length) return Promise.resolve({ items: [], suggest: [] });
    var u;
    return this.load(this.needs(q)).then(function () {
      // A character on its own (a run or a span of one) matches the words it starts: their shards
      // are fetched only for such a character, and the query is understood again.
      var lacking = [];
      u = self.understand(q, lacking);
      if (lacking.length) return self.load(unique(lacking)).then(function () { u = self.understand(q); });
    }).then(function () {
      var names = [];
      u.groups.forEach(function (g) {
        g.words.concat(g.grams).forEach(function (unit) {
          unit.alts.forEach(function (a) { names.push("s/" + self.shardOf(a.term)); });
        });
      });
      u.optional.forEach(function (w) { names.push("s/" + self.shardOf(w)); });
      return self.load(unique(names).filter(function (n) { return n !== "s/-1"; }));
    }).then(function () {
      var ranked = self.rank(u, MAX_PAGES);
      return self.load(ranked.map(function (p) { return "m/" + p.page; })).then(function () {
        return self.result(ranked, u);
      });
    });
  };

  /* Does a term's postings list the section (ids ascending)? */
  Engine.prototype.lists = function (term, id) {
    var p = this.postings(term, 1);
    if (!p) return false;
    var at = lastAtMost(p.ids, id);
    return at >= 0 && p.ids[at] === id;
  };

  /* Material's `terms` of a section: each word the reader typed, true where the section holds it
     (Material lists the others as missing, and puts the found ones in the link for highlighting);
     a typo found as a near spelling is named by the word found. A common term keeps only its best
     sections, so the section's own text is asked too. */
  Engine.prototype.terms = function (typed, id, lower) {
    var self = this, terms = {};
    typed.forEach(function (unit) {
      var found = null;
      unit.alts.some(function (alt) {
        if (self.lists(alt.term, id)) found = alt;
        return found && found.factor >= PREFIX;
      });
      if (found && found.factor < PREFIX) terms[found.term] = true;
      else terms[unit.label] = found !== null || lower.indexOf(unit.label) >= 0;
    });
    return terms;
  };

  Engine.prototype.result = function (ranked, u) {
    var self = this, mark = highlighter(u.display);
    var items = ranked.map(function (p) {
      var meta = self.store["m/" + p.page], start = self.starts[p.page];
      var group = p.sections.map(function (s) {
        var sec = meta[s[0] - start], lower = sec[1].toLowerCase() + " " + sec[2].toLowerCase();
        return { location: sec[0], title: mark(sec[1]), text: "<p>" + mark(teaser(sec[2], u.display)) + "</p>",
                 score: s[1], terms: self.terms(u.typed, s[0], lower) };
      });
      if (!p.sections.some(function (s) { return s[0] === start; }))
        group.push({ location: meta[0][0], title: escapeHTML(meta[0][1]), text: "", score: 0, terms: {} });
      return group;
    });
    return { items: items, suggest: [] };
  };

  return { Engine: Engine, normalize: normalize, segment: segment, bigrams: bigrams, distance: distance,
           fieldTokens: fieldTokens, parseQuery: parseQuery, stem: stem, decodePostings: decodePostings };
})();

if (typeof module !== "undefined" && module.exports) {
  module.exports = KB;  // for unit tests under Node
} else {
  (function () {
    var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
    var store = {}, engine = null, starting = null, latest = 0;
    self.kbData = function (name, data) { store[name] = data; };

    /* This script's own URL: in iframe-worker (file://) it is the first script with a src. */
    function selfURL() {
      if (typeof document !== "undefined") {
        var script = document.querySelector("script[src]");
        if (script) return script.src;
      }
      return self.location.href;
    }

    var base = selfURL();
    var http = /^https?:/.test(base) && typeof fetch === "function";
    var loading = {};

    /* Load index files by name ("s/3", "m/12"): fetched in parallel over http(s), imported as
       scripts from file:// (iframe-worker's importScripts returns a Promise there). */
    function load(names) {
      var waits = names.filter(function (n) { return !(n in store); }).map(function (name) {
        if (!loading[name]) {
          var url = new URL("../search/kb/" + name + ".js", base).href;
          loading[name] = (http
            ? fetch(url).then(function (r) { return r.text(); }).then(function (code) {
                // self.kbData("name",DATA);  JSON.parse reads DATA faster than eval runs the script
                store[name] = JSON.parse(code.slice(code.indexOf(",") + 1, code.lastIndexOf(")")));
              })
            : Promise.resolve(importScripts(url)))
            .catch(function (err) { delete loading[name]; console.warn("search: cannot load " + name, err); });
        }
        return loading[name];
      });
      return Promise.all(waits);
    }

    /* A small index (the real site's is about a megabyte) is loaded whole once the reader pauses
       after a result, so that later queries wait for no file; a large one stays shard by shard. */
    var WHOLE_CHARS = 1500000, PAUSE_MS = 1000, pause = null;
    function loadWhole() {
      var m = store.manifest, names = m.letters.map(function (c) { return "v/" + c; });
      for (var s = 0; s < m.bounds.length; s++) names.push("s/" + s);
      for (var p = 0; p < m.sections.length; p++) names.push("m/" + p);
      load(names);
    }

    function start() {
      if (!starting)
        starting = load(["manifest"]).then(function () { engine = new KB.Engine(store.manifest, store, load); });
      return starting;
    }

    addEventListener("message", function (ev) {
      var message = ev.data;
      if (message.type === SETUP) {
        postMessage({ type: READY });
      } else if (message.type === QUERY) {
        var seq = ++latest;
        clearTimeout(pause);
        // Material sends the (empty) box's value once the worker is ready: no index needed yet.
        if (!/\S/.test(message.data)) {
          postMessage({ type: RESULT, data: { items: [], suggest: [] }, query: message.data });
          return;
        }
        start().then(function () { return engine.search(message.data); })
          .catch(function (err) {
            console.warn("search failed for " + JSON.stringify(message.data), err);
            return { items: [], suggest: [] };
          })
          .then(function (data) {
            if (seq !== latest) return;
            // `query` names what this answers (Material reads only type and data): a listener such
            // as the tests' harness can tell it from the answer to a prefix typed on the way.
            postMessage({ type: RESULT, data: data, query: message.data });
            if (store.manifest && store.manifest.chars <= WHOLE_CHARS) pause = setTimeout(loadWhole, PAUSE_MS);
          });
      }
    });
  })();
}
