/* HealthWISE OSH: what runs in Material's search worker before Material's own code. The build
   (hwsite.search_index.worker_script) writes this file followed by Material's worker as one
   script, assets/javascripts/workers/search.hw.<hash>.min.js; the page's config names it.

   Material segments a Chinese query against its index with a longest-match that never takes
   a whole run of Han characters as one word (职业倦怠 became 职业*, 针刺伤 became 针*), keeps
   English stop words as prefix terms (how* to* matched most of the site) and knows no synonyms
   or typos. Here every query is rewritten first, from the index's own terms and from the
   glossary data the build put into the index's config (config.hw):
   - Han runs are split into index terms and glossary aliases (fewest words, longest first);
     a word the index holds only inside longer terms (倦怠 in 职业倦怠) stands for those terms;
   - glossary aliases add their term and the term's other names (针扎 -> 针刺伤, TB <-> tuberculosis);
   - stop words are dropped by the rule the index's words pass through too (lunrStopWord: lunr's
     English and Chinese lists less the words of config.hw.keep, such as 打), and the question
     words of config.hw.stop; a glossary abbreviation written in capitals is never a stop word
     and is matched whole (WHO: not the pronoun who, not who* = whole);
   - a word the index does not know is replaced by the closest index term within one or two
     edits (tuberclosis -> tuberculosis); so is a Han run the dictionary reads only with a
     character left over (结合病 as 结合 + 病 -> 结核病, 锐气伤 -> 锐器伤);
   Material's segmenter is then made to take each of these words as it is. Result items of a
   module's sections get the module's name in front of their title (config.hw labels). */
(function () {
  "use strict";
  var hw = null, vocab = [], known = {}, freq = {}, hanDict = {}, added = {}, concepts = [];
  var keep = {}, caps = {}, capsPattern = null;
  var HAN = /\p{sc=Han}/u, LATIN_DIGIT = /([a-z]+)(\d+)|(\d+)([a-z]+)/, CAPITALS = /[A-Z].*[A-Z]/;
  // lunr's trimmer of the languages we index (lunr.multiLanguage("en", "zh")): what a token is
  // compared with when it is checked for a stop word
  var TRIM = /^[^\w\u4e00-\u9fa5]+|[^\w\u4e00-\u9fa5]+$/g;
  var MAX_WORD = 8, STEM_FROM = 7;
  // lunr boosts of the query's words: as typed (or corrected), from the glossary (aliases),
  // and parts of a Chinese word (jieba's search mode on the query side); measured, README "Search"
  var WEIGHTS = { typed: 10, form: 10, alias: 6, part: 2 };
  // a word in more than this share of the sections is too common to stand for a name, and
  // weighs at most COMMON_WEIGHT in any query (patient, nurse, work: the query's rarer words
  // decide); measured, README "Search": 10, 7, 5, 4, 3, 2, 1
  var COMMON = 0.1, COMMON_WEIGHT = 3, documents = 0;
  // how many of a page's best results make its score (1 = Material's: the best alone); measured,
  // README "Search": 1, 3 (sum of the best three), all
  var PAGE_RESULTS = 3;
  // a page's second-best section is shown beside its best when it scores this share of it;
  // measured, README "Search": 0.9, 0.8, 0.6, 0.5, 0 (always two)
  var SECOND_SECTION = 0.5;
  // a section whose heading names every word of a query of two or more words is about them all
  // (Hospital infection management, Rest rooms), one whose text mentions them may not be: its
  // score is multiplied by 1 + HEADING; measured, README "Search": 0.5 to 3 alike, 2
  var HEADING = 2;
  var headings = {}, whole = {};  // location -> words of its heading; query words matched whole

  function lower(s) { return s.toLowerCase(); }

  /* ------------------------------------------------------------ the index's terms */

  function captureIndex() {
    var lunr = self.lunr, build = lunr.Builder.prototype.build, add = lunr.Builder.prototype.add;
    // the index's words go through the same stop-word rule as the query's (the build leaves
    // config.pipeline without lunr's stop-word filters, which know neither case nor keep)
    lunr.Builder.prototype.add = function () {
      if (!this.tokenizer.hw) this.tokenizer = indexTokenizer(this.tokenizer);
      return add.apply(this, arguments);
    };
    lunr.Builder.prototype.build = function () {
      var index = build.call(this), inverted = index.invertedIndex;
      vocab = Object.keys(inverted).sort();
      documents = this.documentCount || 1;
      vocab.forEach(function (term) {
        known[term] = true;
        var docs = {}, posting = inverted[term];
        Object.keys(posting).forEach(function (field) {
          if (field !== "_index") Object.keys(posting[field]).forEach(function (ref) { docs[ref] = 1; });
        });
        freq[term] = Object.keys(docs).length;
        if (HAN.test(term)) hanDict[term] = true;
      });
      Object.keys(hw.aliases || {}).forEach(function (alias) { if (HAN.test(alias)) hanDict[alias] = true; });
      // Material's segmenter asks `word in invertedIndex` and splits what it finds; the query
      // it gets is already one word per run, so it must find nothing and keep each run whole.
      index.invertedIndex = new Proxy(inverted, { has: function () { return false; } });
      return index;
    };
  }

  /* Material's tokenizer, less the tokens that are stop words. An abbreviation of the glossary
     that is also a stop word (WHO, who) is kept where the text writes it in capitals: the
     occurrences of such words in the text, tags skipped, pair in order with their tokens. */
  function indexTokenizer(tokenize) {
    var wrapped = function (text, metadata) {
      var tokens = tokenize(text, metadata), written = {};
      if (capsPattern && typeof text === "string") {
        capsPattern.lastIndex = 0;
        for (var match; (match = capsPattern.exec(text));) {
          if (!match[1]) continue;
          var word = lower(match[1]);
          (written[word] = written[word] || []).push(match[1]);
        }
      }
      return tokens.filter(function (token) {
        var word = token.toString().replace(TRIM, "");
        return !lunrStopWord(word, caps[word] && written[word] ? written[word].shift() : null);
      });
    };
    wrapped.hw = true;
    return wrapped;
  }

  /* The singular or plural of an English word in the index that its prefix does not reach
     (injuries -> injury, nurses -> nurse, injury -> injuries), matched as a whole word: a prefix
     would count nurses twice. Only plurals: a stemmer also joins container and contains. */
  function otherForms(word) {
    if (!/^[a-z]{3,}$/.test(word)) return [];
    var forms = [];
    if (/ies$/.test(word)) forms.push(word.slice(0, -3) + "y");
    else if (/[^s]s$/.test(word)) forms.push(word.slice(0, -1));
    if (/es$/.test(word)) forms.push(word.slice(0, -2));
    if (/[^aeiou]y$/.test(word)) forms.push(word.slice(0, -1) + "ies");
    return forms.filter(function (w) { return known[w] && w.indexOf(word) !== 0; });
  }

  /* A long English word less its last two letters, as a prefix for the words of the same root
     that its own prefix does not reach (violent: violence; aggressive: aggression). Searched
     at the weight of a part: it also reaches words of another meaning (container: contains).
     Measured, README "Search": from 7 letters, 2 letters off (6 or 8 letters, 3 off). */
  function shortened(word) {
    if (!/^[a-z]+$/.test(word) || word.length < STEM_FROM) return null;
    var stem = word.slice(0, -2);
    return firstWithPrefix(stem) ? stem : null;
  }

  function firstWithPrefix(prefix) {
    var lo = 0, hi = vocab.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (vocab[mid] < prefix) lo = mid + 1; else hi = mid; }
    return lo < vocab.length && vocab[lo].indexOf(prefix) === 0 ? vocab[lo] : null;
  }

  function byFrequency(a, b) { return (freq[b] || 0) - (freq[a] || 0) || a.length - b.length; }

  /* Damerau-Levenshtein distance (optimal string alignment), stopping above max. */
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var rows = [], i, j;
    for (i = 0; i <= a.length; i++) { rows.push([i]); }
    for (j = 1; j <= b.length; j++) rows[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      var best = max + 1;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
        rows[i][j] = d;
        if (d < best) best = d;
      }
      if (best > max) return max + 1;
    }
    return rows[a.length][b.length];
  }

  /* The index terms closest to a word the index does not know (typos). */
  function corrections(word) {
    var han = HAN.test(word);
    if (han ? word.length < 3 : word.length < 4) return [];
    var max = han ? 1 : word.length >= 8 ? 2 : 1, found = [], least = max + 1;
    vocab.forEach(function (term) {
      if (HAN.test(term) !== han || (han && term.length !== word.length)) return;
      var d = distance(word, term, max);
      if (d < least) { least = d; found = [term]; } else if (d === least) found.push(term);
    });
    return least <= max ? found.sort(byFrequency).slice(0, 2) : [];
  }

  /* Index terms that hold a Han word inside them (倦怠 -> 职业倦怠). */
  function containing(word) {
    return Object.keys(hanDict).filter(function (term) {
      return term !== word && term.indexOf(word) > 0 && known[term];
    }).sort(byFrequency).slice(0, 4);
  }

  /* ------------------------------------------------------------ the query */

  /* Index terms of two or more characters inside a Chinese word (人工搬运 -> 人工, 搬运). */
  function subWords(word) {
    var found = [];
    for (var i = 0; i < word.length; i++)
      for (var j = i + 2; j <= word.length && j - i <= MAX_WORD; j++)
        if (j - i < word.length && known[word.slice(i, j)]) found.push(word.slice(i, j));
    return found;
  }

  /* A run of Han characters as the fewest dictionary words (index terms and aliases);
     a character no word covers stands alone. */
  function segmentHan(run) {
    var cost = [0], back = [0], i, j;
    for (i = 1; i <= run.length; i++) {
      cost[i] = cost[i - 1] + 2; back[i] = i - 1;
      for (j = Math.max(0, i - MAX_WORD); j < i - 1; j++) {
        if (hanDict[run.slice(j, i)] && cost[j] + 1 < cost[i]) { cost[i] = cost[j] + 1; back[i] = j; }
      }
      if (hanDict[run.slice(i - 1, i)] && cost[i - 1] + 1 < cost[i]) { cost[i] = cost[i - 1] + 1; back[i] = i - 1; }
    }
    var words = [];
    for (i = run.length; i > 0; i = back[i]) words.unshift(run.slice(back[i], i));
    return words;
  }

  /* Whether a word of lunr's stop-word lists says nothing about a topic here; `written` is the
     word as typed or as the text has it, where its case matters (a glossary abbreviation). The
     rule for the index's words; a query also drops the question words (stopWord). */
  function lunrStopWord(word, written) {
    var lunr = self.lunr;
    if (keep[word] || (written && caps[word] && CAPITALS.test(written))) return false;
    if (lunr.stopWordFilter && !lunr.stopWordFilter(word)) return true;
    return !!(lunr.zh && lunr.zh.stopWordFilter && !lunr.zh.stopWordFilter(word));
  }

  function stopWord(word, written) {
    return (hw.stop || []).indexOf(word) >= 0 || lunrStopWord(word, written);
  }

  /* The query as lunr clauses. Each word the reader typed is a concept; the index words that
     stand for it (the word, its other forms, a correction, the glossary's other names, the parts
     of a Chinese word) are recorded in `concepts`, so that results are scored by how many of the
     reader's words they contain, not how many of the added words. */
  function rewrite(query) {
    concepts = []; added = {};
    // Material's own query syntax is left to Material
    if (/["~^*:]|(^|\s)[+\-]/.test(query)) return query;
    var text = lower(query).trim(), separator = new RegExp(hw.separator || "\\s+", "g");
    var aliases = hw.aliases || {}, clauses = [];  // [word, weight kind, concept]
    var tokens = query.trim().split(separator).filter(Boolean), words = [], written = {};
    tokens.forEach(function (typed) {
      var token = lower(typed);
      written[token] = typed;
      if (HAN.test(token)) {
        token.split(/(\P{sc=Han}+)/u).forEach(function (part) {
          if (!part) return;
          if (!HAN.test(part)) { words.push(part); return; }
          var segmented = segmentHan(part);
          // a run the dictionary reads only with a character left over (结合+病, 锐气+伤) and that
          // is one character off a word of the index (结核病, 锐器伤) is that word mistyped
          if (segmented.length > 1 && !hanDict[part] && segmented.some(function (w) { return w.length === 1; }) &&
              corrections(part).length) words.push(part);
          else words.push.apply(words, segmented);
        });
      } else words.push(token);
    });
    var content = words.filter(function (w) { return !stopWord(w, written[w]) && !(w.length === 1 && /[a-z]/.test(w)); });
    if (!content.length) content = words;
    content.forEach(function (word) {
      var concept = { word: word, terms: {}, parts: {} };
      concepts.push(concept);
      function add(w, kind) { clauses.push([w, kind, concept]); }
      // a Chinese name is one index word: its parts stand for it as the words of an English name do
      // (医闹 -> 工作场所暴力 -> 暴力, as assault -> workplace violence -> violence)
      function expand(key) {
        (aliases[key] || []).forEach(function (w) {
          add(w, "alias");
          if (HAN.test(w) && w.length > 2) subWords(w).forEach(function (p) { add(p, "part"); });
        });
      }
      expand(word);
      if (caps[word] && CAPITALS.test(written[word] || "")) {  // an abbreviation: itself, not a prefix
        if (known[word]) add(word, "form");
        return;
      }
      if (known[word] || firstWithPrefix(word)) {
        add(word, "typed");
        otherForms(word).forEach(function (w) { add(w, "form"); });
        var stem = shortened(word);
        if (stem) add(stem, "part");
        if (HAN.test(word) && word.length > 2) subWords(word).forEach(function (w) { add(w, "part"); });
        return;
      }
      if (aliases[word]) return;
      var forms = otherForms(word);
      if (forms.length) { forms.forEach(function (w) { add(w, "form"); }); return; }
      var split = LATIN_DIGIT.exec(word);
      if (split && split[0] === word) {  // c190 -> c 190 (the pages write C.190)
        [split[1], split[2], split[3], split[4]].forEach(function (p) {
          if (p && p.length > 1 && (known[p] || firstWithPrefix(p))) add(p, "typed");
        });
        return;
      }
      if (HAN.test(word)) {
        var inside = containing(word);
        if (inside.length) { inside.forEach(function (w) { add(w, "alias"); }); return; }
      }
      var fixed = corrections(word);
      if (fixed.length) {
        add(fixed[0], "typed"); expand(fixed[0]);
        fixed.slice(1).forEach(function (w) { add(w, "alias"); });
        return;
      }
      if (HAN.test(word) && word.length > 1)  // an unknown Chinese word: its known parts
        subWords(word).forEach(function (w) { add(w, "part"); });
    });
    // Chinese words typed apart that the index or the glossary has as one word (心理 健康: 心理健康)
    for (var i = 0; i + 1 < concepts.length; i++) {
      var joined = concepts[i].word + concepts[i + 1].word;
      if (HAN.test(joined) && hanDict[joined]) {
        [concepts[i], concepts[i + 1]].forEach(function (concept) {
          if (known[joined]) clauses.push([joined, "alias", concept]);
          (aliases[joined] || []).forEach(function (w) { clauses.push([w, "alias", concept]); });
        });
      }
    }
    // names of several words, anywhere in the query, stand for each of the words they span
    // (COVID-19 is two words to the index, covid and 19, as "needle stick" is)
    var spoken = " " + text.replace(separator, " ") + " ";
    Object.keys(aliases).forEach(function (key) {
      var spanned = key.split(separator).filter(Boolean);
      if (spanned.length < 2 || spoken.indexOf(" " + spanned.join(" ") + " ") < 0) return;
      concepts.forEach(function (concept) {
        if (spanned.indexOf(concept.word) >= 0)
          aliases[key].forEach(function (w) { clauses.push([w, "alias", concept]); });
      });
    });
    var out = {}, common = documents * COMMON, order = [];
    clauses.forEach(function (clause) {
      var kind = clause[1], concept = clause[2];
      var names = kind === "alias" ? clause[0].split(separator).filter(Boolean) : [clause[0]];
      var telling = names.filter(function (w) { return (freq[w] || 0) <= common && !stopWord(w); });
      names.forEach(function (w) {
        // of a name of several words, only the words that tell it apart ("care" of "child care"
        // matches every page); all of them when none does (OSH: occupational safety and health)
        if (names.length > 1 && telling.length && (freq[w] || 0) > common) return;
        // an abbreviation among the names is the abbreviation (who as WHO)
        if (kind !== "typed" && kind !== "form" && (stopWord(w, caps[w] ? w.toUpperCase() : null) || !(known[w] || firstWithPrefix(w)))) return;
        (kind === "part" ? concept.parts : concept.terms)[w] = true;
        if (!(w in out)) { order.push(w); out[w] = kind; }
        else if (WEIGHTS[kind] > WEIGHTS[out[w]]) out[w] = kind;
      });
    });
    order.forEach(function (w) { if (out[w] !== "typed" && out[w] !== "form") added[w] = 1; });
    whole = {};
    return order.length ? order.map(function (w) {
      // whole: forms, abbreviations, stop words kept as words (打* is 打印, 打扫 ...) and numbers (19* is 190)
      if (out[w] === "form" || caps[w] || keep[w] || /^\d+$/.test(w)) whole[w] = true;
      return w + (whole[w] ? "^" : "*^") + ((freq[w] || 0) > common ? Math.min(COMMON_WEIGHT, WEIGHTS[out[w]]) : WEIGHTS[out[w]]);
    }).join(" ") : query;
  }

  /* ------------------------------------------------------------ the result */

  /* How much of the query a result holds, 0..1: each word the reader typed counts once, found
     as itself or as a word that stands for it; found only through its parts, half as much. */
  function coverage(terms) {
    if (!concepts.length) return 0;
    var found = 0;
    concepts.forEach(function (concept) {
      var whole = Object.keys(concept.terms).some(function (t) { return terms[t]; });
      if (whole) { found += 1; return; }
      var parts = Object.keys(concept.parts);
      if (parts.length) found += 0.5 * parts.filter(function (t) { return terms[t]; }).length / parts.length;
    });
    return found / concepts.length;
  }

  /* Whether a section's heading holds each word the reader typed (of two or more), itself or a
     word that stands for it, matched as lunr matches it (whole, or as a prefix). */
  function headingNamesAll(location) {
    var words = headings[location];
    if (!words || concepts.length < 2) return false;
    function named(term) {
      return words.some(function (w) { return whole[term] ? w === term : w.indexOf(term) === 0; });
    }
    return concepts.every(function (concept) { return Object.keys(concept.terms).some(named); });
  }

  /* Material scores a result lunr's score x (1 + b^2), b = 1 for a page + the share of query
     clauses it matched; with the clauses this prelude adds, a glossary entry that lists every
     alias beat the section about the term. The same formula with the share of the reader's words
     (coverage), then the pages ordered by their best result, and each page's best section put
     first so that it shows under the page (Material shows the sections that score as high as
     the group's first entry). */
  function rerank(result) {
    var groups = {}, order = [];
    (result.items || []).forEach(function (group) {
      group.forEach(function (item) {
        var keys = Object.keys(item.terms || {});
        var page = item.location.indexOf("#") < 0;
        if (item.score > 0 && keys.length && concepts.length) {
          var material = +page + keys.filter(function (k) { return item.terms[k]; }).length / keys.length;
          var ours = +page + coverage(item.terms);
          item.score = item.score / (1 + material * material) * (1 + ours * ours);
          if (!page && headingNamesAll(item.location)) item.score *= 1 + HEADING;
        }
        var ref = page ? item.location : item.location.slice(0, item.location.indexOf("#"));
        if (!groups[ref]) { groups[ref] = []; order.push(ref); }
        groups[ref].push(item);
      });
    });
    // a page is as relevant as its three best results together: the page about a subject has
    // several sections on it, a page that mentions it once has one
    var scores = {};
    order.forEach(function (ref) {
      scores[ref] = groups[ref].map(function (i) { return i.score; })
        .sort(function (a, b) { return b - a; }).slice(0, PAGE_RESULTS)
        .reduce(function (a, b) { return a + b; }, 0);
    });
    result.items = order.sort(function (a, b) { return scores[b] - scores[a]; }).map(function (ref) {
      var items = groups[ref].sort(function (a, b) { return b.score - a.score; });
      var sections = items.filter(function (i) { return i.location.indexOf("#") >= 0 && i.score > 0; });
      var rest = items.filter(function (i) { return sections.indexOf(i) < 0; });
      // Material shows the sections that score as high as the first; the second best shows too
      // when it scores at least half as high (a near tie: the reader sees both, not one of two)
      if (sections.length > 1 && sections[1].score >= SECOND_SECTION * sections[0].score) sections[1].score = sections[0].score;
      return sections.concat(rest);
    });
  }

  function label(result) {
    var labels = (hw && hw.labels) || {};
    (result.items || []).forEach(function (group) {
      group.forEach(function (item) {
        var hash = item.location.indexOf("#"), prefix = hash > 0 ? labels[item.location.slice(0, hash)] : null;
        if (prefix) item.title = prefix + item.title;
        // a word the query did not contain is not "missing" from a result
        Object.keys(item.terms || {}).forEach(function (term) {
          if (added[term] && !item.terms[term]) delete item.terms[term];
        });
      });
    });
  }

  addEventListener("message", function (event) {
    var message = event.data;
    if (!message || typeof message !== "object") return;
    if (message.type === 0 && message.data && message.data.config) {  // SETUP
      hw = message.data.config.hw || {};
      hw.separator = message.data.config.separator;
      var split = new RegExp(hw.separator || "\\s+");
      (message.data.docs || []).forEach(function (doc) {
        headings[doc.location] = lower(doc.title || "").split(split)
          .map(function (w) { return w.replace(TRIM, ""); }).filter(Boolean);
      });
      (hw.keep || []).forEach(function (w) { keep[w] = true; });
      (hw.abbreviations || []).forEach(function (w) { caps[w] = true; });
      // a tag (skipped: its attributes are no tokens) or one of the abbreviations (letters and
      // digits, hwsite.search_index.abbreviations) as a whole word
      var names = Object.keys(caps);
      if (names.length) capsPattern = new RegExp("<[^>]*>|(?<![\\w])(" + names.join("|") + ")(?![\\w])", "gi");
      captureIndex();
    } else if (message.type === 2 && hw && typeof message.data === "string") {  // QUERY
      message.data = rewrite(message.data);
    }
  });
  var post = self.postMessage;
  self.postMessage = function (message) {
    if (message && message.type === 3 && message.data) { rerank(message.data); label(message.data); }  // RESULT
    return post.apply(self, arguments);
  };
})();
