// readout's search box and previews of linked notes. Without this script
// the box submits to the search page, which links to the lists, and links
// work as links. The search runs in the page on readout's own index
// (src/search/index.rs), whose files are fetched only as a query needs
// them; a preview only when a reader asks for one.
(function () {
  "use strict";
  var root = new URL(".", document.currentScript.src);
  var form = document.querySelector(".site-search");
  var input = document.getElementById("site-search-q");
  if (!form || !input) return;

  var SHOWN = 10;
  var FILTERS = [["kind", "Kind"], ["speaker", "Speaker"], ["actor", "Actor involved"], ["country", "Country"],
    ["medium", "Medium"], ["year", "Year"], ["month", "Month"]];
  var engine = null;
  var asked = 0;
  var chosen = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // The panel under the box: the filters, the results, and a live region with their count.
  var panel = el("div", "search-panel");
  panel.id = "site-search-panel";
  panel.hidden = true;
  panel.setAttribute("role", "region");
  panel.setAttribute("aria-label", "Search results");
  var status = el("p", "search-status");
  status.id = "site-search-status";
  status.setAttribute("role", "status");
  var filterButton = el("button", "search-filters-button", "Filters");
  filterButton.type = "button";
  filterButton.setAttribute("aria-expanded", "false");
  filterButton.setAttribute("aria-controls", "site-search-filters");
  var filterBox = el("div", "search-filters");
  filterBox.id = "site-search-filters";
  filterBox.hidden = true;
  var list = el("ol", "search-results");
  list.setAttribute("aria-labelledby", "site-search-status");
  var top = el("div", "search-panel-top");
  top.append(status, filterButton);
  panel.append(top, filterBox, list);
  form.append(panel);
  input.setAttribute("aria-controls", panel.id);

  // readout's index (src/search/index.rs): index.json first, then only
  // the chunks, filters and fragments a query needs, each fetched once.
  var files = {};
  function getJSON(path) {
    if (!files[path]) {
      files[path] = fetch(new URL("search-index/" + path, root)).then(function (r) {
        if (!r.ok) throw new Error("search-index/" + path + ": " + r.status);
        return r.json();
      });
    }
    return files[path];
  }
  function load() {
    if (!engine) engine = getJSON("index.json");
    return engine;
  }

  // Words as src/search/words.rs splits them: letters, digits and other
  // characters outside ASCII that are neither space nor punctuation, and
  // compounds joined by a hyphen or an apostrophe.
  var NOT_WORDS = [[0xA0, 0xBF], [0xD7, 0xD7], [0xF7, 0xF7], [0x60C, 0x60C], [0x61F, 0x61F], [0x6D4, 0x6D4],
    [0x964, 0x965], [0x2000, 0x2BFF], [0x3000, 0x303F], [0xFE30, 0xFE4F], [0xFF00, 0xFF0F], [0xFF1A, 0xFF20],
    [0x1F000, 0x1FAFF]];
  function wordChar(ch) {
    var c = ch.codePointAt(0);
    if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (/[\p{Alphabetic}\p{N}]/u.test(ch)) return true;
    if (/\s/u.test(ch)) return false;
    return !NOT_WORDS.some(function (r) { return c >= r[0] && c <= r[1]; });
  }
  function joiner(ch) { return ch === "-" || ch === "'" || ch === "’"; }
  // Each word of text: its form (lower-cased), its parts, where it starts and ends.
  function words(text) {
    var chars = Array.from(text);
    var out = [];
    var at = 0, offset = 0, i = 0;
    var offsets = chars.map(function (ch) { var o = offset; offset += ch.length; return o; });
    offsets.push(offset);
    while (i < chars.length) {
      if (!wordChar(chars[i])) { i++; continue; }
      var start = i;
      while (i < chars.length && (wordChar(chars[i]) || (joiner(chars[i]) && i + 1 < chars.length && wordChar(chars[i + 1]) && wordChar(chars[i - 1])))) i++;
      var form = chars.slice(start, i).join("").replace(/’/g, "'").toLowerCase();
      out.push({ form: form, parts: form.split(/['\-]/), at: at++, start: offsets[start], end: offsets[i] });
    }
    return out;
  }

  // The numbers of src/search/code.rs: five bits a character, the first 32 characters end a number.
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = {};
  for (var d = 0; d < 64; d++) DIGIT[DIGITS.charCodeAt(d)] = d;
  function numbers(text) {
    var out = [], n = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charCodeAt(i)];
      n += (digit & 31) * Math.pow(2, shift);
      shift += 5;
      if (digit < 32) { out.push(n); n = 0; shift = 0; }
    }
    return out;
  }
  // Ascending numbers written as gaps.
  function ascending(list) {
    var last = -1;
    return list.map(function (gap) { last += gap + 1; return last; });
  }

  // The chunks of the dictionary that may hold word (and the words it begins, if prefix).
  function chunksFor(entry, word, prefix) {
    var first = entry.chunks;
    var lo = 0, hi = first.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (first[mid] <= word) lo = mid; else hi = mid - 1;
    }
    var out = [lo];
    while (prefix && word.length >= 3 && out.length < 3 && lo + out.length < first.length &&
           first[lo + out.length].indexOf(word) === 0) out.push(lo + out.length);
    return out;
  }
  function chunks(entry, list, kind) {
    return Promise.all(list.map(function (n) { return getJSON(kind + "/" + n + ".json"); }));
  }

  // What one word of a query finds: each document's score (the best of
  // its stems', weight times rarity), and the forms to mark in excerpts.
  function lookup(entry, word, prefix) {
    var list = chunksFor(entry, word, prefix);
    var loaded;
    return chunks(entry, list, "index").then(function (got) {
      loaded = got;
      var stems = {};
      loaded.forEach(function (chunk) {
        Object.keys(chunk).forEach(function (key) {
          if (key === word || (prefix && key.indexOf(word) === 0)) {
            if (chunk[key].d) stems[key] = true;
            if (chunk[key].s) stems[chunk[key].s] = true;
          }
        });
      });
      if (Object.keys(stems).length) return stems;
      return nearestStem(entry, word).then(function (near) {
        loaded = loaded.concat(near.chunks);
        if (near.stem) stems[near.stem] = true;
        return stems;
      });
    }).then(function (stems) {
      return Promise.all(Object.keys(stems).map(function (stem) {
        return chunks(entry, chunksFor(entry, stem, false), "index").then(function (c) { return [stem, c[0][stem]]; });
      })).then(function (found) {
        var scores = new Float32Array(entry.docs);
        var marks = {};
        found.forEach(function (pair) {
          marks[pair[0]] = true;
          var postings = numbers((pair[1] && pair[1].d) || "");
          var df = postings.length / 2;
          var rarity = Math.log(1 + (entry.docs - df + 0.5) / (df + 0.5));
          var doc = -1;
          for (var i = 0; i < postings.length; i += 2) {
            doc += postings[i] + 1;
            scores[doc] = Math.max(scores[doc], rarity * postings[i + 1]);
          }
        });
        loaded.forEach(function (chunk) {
          Object.keys(chunk).forEach(function (key) { if (chunk[key].s && marks[chunk[key].s]) marks[key] = true; });
        });
        return { scores: scores, marks: marks };
      });
    });
  }

  // A word the index does not have, as another form of one it has
  // ("condemned" where the notes say "condemn"): the longest stem or
  // word of the index that begins it and is at least half of it (three
  // letters or more), and the chunks it was looked for in.
  function nearestStem(entry, word) {
    var prefixes = [];
    for (var k = word.length - 1; k >= Math.max(3, Math.ceil(word.length / 2)); k--) prefixes.push(word.slice(0, k));
    var wanted = {};
    prefixes.forEach(function (p) { wanted[chunksFor(entry, p, false)[0]] = true; });
    return chunks(entry, Object.keys(wanted).map(Number), "index").then(function (loaded) {
      for (var i = 0; i < prefixes.length; i++) {
        for (var j = 0; j < loaded.length; j++) {
          var found = loaded[j][prefixes[i]];
          if (found && found.d) return { stem: prefixes[i], chunks: loaded };
          if (found && found.s) return { stem: found.s, chunks: loaded };
        }
      }
      return { stem: null, chunks: loaded };
    });
  }

  // The documents where the phrase's words follow each other.
  function phraseDocs(entry, forms) {
    return Promise.all(forms.map(function (form) {
      return chunks(entry, chunksFor(entry, form, false), "phrase").then(function (c) {
        var list = numbers(c[0][form] || "");
        var at = {};
        var doc = -1;
        for (var i = 0; i < list.length;) {
          doc += list[i] + 1;
          var count = list[i + 1] + 1;
          at[doc] = ascending(list.slice(i + 2, i + 2 + count));
          i += 2 + count;
        }
        return at;
      });
    })).then(function (each) {
      var docs = {};
      Object.keys(each[0]).forEach(function (doc) {
        var hit = each[0][doc].some(function (p) {
          return each.every(function (at, k) { return at[doc] && at[doc].indexOf(p + k) >= 0; });
        });
        if (hit) docs[doc] = true;
      });
      return docs;
    });
  }

  // The documents the chosen filters allow (all of them when none is chosen).
  function allowed(entry, filters) {
    var keys = Object.keys(filters);
    return Promise.all(keys.map(function (key) { return getJSON("filter/" + key + ".json"); })).then(function (all) {
      if (!keys.length) return null;
      var count = new Uint8Array(entry.docs);
      all.forEach(function (values, k) {
        ascending(numbers(values[filters[keys[k]]] || "")).forEach(function (doc) { count[doc]++; });
      });
      return count.map(function (c) { return c === keys.length ? 1 : 0; });
    });
  }

  // The search: every document that has each word (the last one as a
  // prefix while it is typed), in the phrase if quoted, that the filters
  // allow; by score, then newest first.
  function searchIndex(query, filters) {
    return load().then(function (entry) {
      var phrase = phraseOf(query);
      var typed = words(query);
      var finished = phrase || /[\s"”]$/.test(query);
      if (query && !typed.length) return { results: [], marks: {} };
      return Promise.all([
        Promise.all(typed.map(function (w, i) { return lookup(entry, w.form, !finished && i === typed.length - 1); })),
        phrase && typed.length > 1 ? phraseDocs(entry, typed.map(function (w) { return w.form; })) : null,
        allowed(entry, filters)
      ]).then(function (got) {
        var each = got[0], inPhrase = got[1], allow = got[2];
        var found = [];
        for (var doc = entry.docs - 1; doc >= 0; doc--) {
          if (allow && !allow[doc]) continue;
          if (inPhrase && !inPhrase[doc]) continue;
          var score = 0, all = true;
          for (var k = 0; k < each.length && all; k++) {
            all = each[k].scores[doc] > 0;
            score += each[k].scores[doc];
          }
          if (all) found.push({ doc: doc, score: score });
        }
        found.sort(function (a, b) { return b.score - a.score || b.doc - a.doc; });
        var marks = {};
        each.forEach(function (w) { Object.assign(marks, w.marks); });
        return { results: found, marks: marks };
      });
    });
  }

  // The words of text around its best run of marked words, as nodes with the marks in <mark>.
  var EXCERPT_WORDS = 24;
  function excerptOf(text, marks) {
    var all = words(text);
    var hit = all.map(function (w) { return marks[w.form] || w.parts.some(function (p) { return marks[p]; }) ? 1 : 0; });
    var best = 0, bestCount = -1, count = 0;
    for (var i = 0; i < all.length; i++) {
      count += hit[i] - (i >= EXCERPT_WORDS ? hit[i - EXCERPT_WORDS] : 0);
      var start = Math.max(0, i - EXCERPT_WORDS + 1);
      if (count > bestCount) { bestCount = count; best = start; }
    }
    var shown = all.slice(best, best + EXCERPT_WORDS);
    var nodes = [];
    if (!shown.length) return nodes;
    var at = shown[0].start;
    if (best > 0) nodes.push(document.createTextNode("… "));
    shown.forEach(function (w, k) {
      if (!hit[best + k]) return;
      nodes.push(document.createTextNode(text.slice(at, w.start)));
      nodes.push(el("mark", null, text.slice(w.start, w.end)));
      at = w.end;
    });
    var end = shown[shown.length - 1].end;
    nodes.push(document.createTextNode(text.slice(at, end) + (best + EXCERPT_WORDS < all.length ? " …" : "")));
    return nodes;
  }

  function open(show) {
    panel.hidden = !show;
  }

  // The words of a quoted phrase, as a statement's own words would hold them.
  function phraseOf(query) {
    var m = /^\s*["“”](.+)["“”]\s*$/.exec(query);
    return m ? fold(m[1]) : null;
  }
  function fold(text) {
    return text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, " ").trim();
  }

  // Results by relevance, then date (newest first); for a quoted phrase,
  // statements whose own words hold it come first.
  function order(found, phrase) {
    found.forEach(function (f, i) {
      var own = f.data.own ? f.data.text.slice(f.data.own[0], f.data.own[1]) : "";
      f.own = phrase && fold(own).indexOf(phrase) >= 0 ? 1 : 0;
      f.at = i;
    });
    return found.sort(function (a, b) {
      return b.own - a.own || b.score - a.score || (b.data.meta.date_key || "").localeCompare(a.data.meta.date_key || "") || a.at - b.at;
    });
  }

  function run() {
    var query = input.value.trim();
    var ask = ++asked;
    var started = performance.now();
    var anyFilter = Object.keys(chosen).some(function (k) { return chosen[k]; });
    if (!query && !anyFilter) {
      list.replaceChildren();
      status.textContent = "";
      open(false);
      return;
    }
    var filters = {};
    Object.keys(chosen).forEach(function (k) { if (chosen[k]) filters[k] = chosen[k]; });
    var phrase = phraseOf(query);
    searchIndex(query, filters).then(function (search) {
      if (ask !== asked) return null;
      var wanted = search.results.slice(0, phrase ? 30 : SHOWN);
      return Promise.all(wanted.map(function (r) { return getJSON("fragment/" + r.doc + ".json"); })).then(function (data) {
        if (ask !== asked) return;
        var found = wanted.map(function (r, i) { return { score: r.score, data: data[i], marks: search.marks }; });
        show(order(found, phrase).slice(0, SHOWN), search.results.length, query);
        form.setAttribute("data-search-ms", String(Math.round(performance.now() - started)));
      });
    }).catch(function (e) {
      status.textContent = "Search could not load (" + e.message + ").";
      open(true);
    });
  }

  function show(found, total, query) {
    list.replaceChildren.apply(list, found.map(item));
    var what = query ? " for “" + query.replace(/^["“”]|["“”]$/g, "") + "”" : "";
    status.textContent = (total === 0 ? "No results" : total === 1 ? "1 result" : total + " results") + what +
      (total > found.length ? ", the first " + found.length + " shown" : "");
    open(true);
  }

  function item(f) {
    var li = el("li", "search-result");
    var a = el("a", "search-result-title", f.data.meta.title || f.data.url);
    a.href = root.pathname + f.data.url;
    var about = [f.data.meta.speaker, f.data.meta.date, kindName(f.data.meta.kind)].filter(Boolean).join(" · ");
    var line = el("p", "search-result-meta", about);
    var excerpt = el("p", "search-result-excerpt");
    excerpt.append.apply(excerpt, excerptOf(f.data.text || "", f.marks));
    li.append(a, line, excerpt);
    return li;
  }

  function kindName(kind) {
    return kind ? kind.charAt(0).toUpperCase() + kind.slice(1) : "";
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  function openFilters() {
    var show = filterBox.hidden;
    filterBox.hidden = !show;
    filterButton.setAttribute("aria-expanded", show ? "true" : "false");
    if (!show || filterBox.childElementCount) return;
    getJSON("filters.json").then(function (all) {
      FILTERS.forEach(function (pair) {
        var values = Object.keys(all[pair[0]] || {}).sort();
        if (!values.length) return;
        var label = el("label", "search-filter", pair[1] + " ");
        var select = el("select");
        select.name = pair[0];
        select.append(new Option("Any", ""));
        if (pair[0] === "year" || pair[0] === "month") values.reverse();
        values.forEach(function (v) { select.append(new Option(v, v)); });
        select.addEventListener("change", function () { chosen[pair[0]] = select.value; run(); });
        label.append(select);
        filterBox.append(label);
      });
    });
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 0);
  });
  input.addEventListener("focus", function () { load(); });
  filterButton.addEventListener("click", openFilters);
  form.addEventListener("submit", function (e) {
    var first = links()[0];
    if (first) {
      e.preventDefault();
      location.href = first.href;
    }
  });
  form.addEventListener("keydown", function (e) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && all.length && (e.target === input || at >= 0)) {
      e.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (e.key === "ArrowUp" && at >= 0) {
      e.preventDefault();
      (at === 0 ? input : all[at - 1]).focus();
    } else if (e.key === "Escape" && !panel.hidden) {
      e.preventDefault();
      open(false);
      input.focus();
    }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });
  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) open(false);
  });

  // The search page: the query in its address is searched at once.
  var page = document.querySelector("[data-search-page]");
  if (page) {
    var note = page.querySelector(".search-needs-js");
    if (note) note.textContent = "Type in the search box at the top of the page: results appear as you type. " +
      "A phrase in quotation marks is matched exactly.";
    var q = new URLSearchParams(location.search).get("q");
    if (q) {
      input.value = q;
      run();
    }
  }

  previews();

  // Previews of linked notes, on hover and on keyboard focus, except on
  // touch-only devices: fetched when first asked for, kept for the page's life.
  function previews() {
    // Touch-only: a coarse pointer and nothing that hovers.
    if (window.matchMedia && matchMedia("(pointer: coarse)").matches && !matchMedia("(any-hover: hover)").matches) return;
    var tip = el("div", "note-preview");
    tip.id = "note-preview";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    // In the main landmark (positioned against the page, so nothing moves).
    (document.querySelector("main") || document.body).append(tip);
    var buckets = {};
    var current = null;
    var wait = 0;

    function noteUrl(a) {
      if (!a || a.closest(".search-panel, .site-header")) return null;
      var href = a.getAttribute("href") || (a.href && a.href.baseVal);
      if (!href || href.charAt(0) === "#") return null;
      var url = new URL(href, location.href);
      if (url.origin !== root.origin || url.pathname.indexOf(root.pathname) !== 0) return null;
      var path = decodeURIComponent(url.pathname.slice(root.pathname.length));
      var here = decodeURIComponent(location.pathname.slice(root.pathname.length));
      return /^[^\/]+\/[^\/]+\/$/.test(path) && path !== here ? path : null;
    }
    function bucket(path) {
      var h = 0x811c9dc5;
      new TextEncoder().encode(path).forEach(function (b) {
        h ^= b;
        h = Math.imul(h, 0x01000193) >>> 0;
      });
      return h % 1024;
    }
    function fetchPreview(path) {
      var n = bucket(path);
      if (!buckets[n]) {
        buckets[n] = fetch(new URL("search-index/previews/" + n + ".json", root)).then(function (r) {
          return r.ok ? r.json() : {};
        }).catch(function () { return {}; });
      }
      return buckets[n].then(function (all) { return all[path]; });
    }
    function fill(p) {
      tip.replaceChildren(el("strong", "note-preview-title", p.title));
      (p.lines || []).forEach(function (line) { tip.append(el("span", "note-preview-line", line)); });
      if (p.words) {
        var words = el(p.paraphrase ? "p" : "blockquote", "note-preview-words", p.words);
        tip.append(words);
      }
    }
    function place(a) {
      var r = a.getBoundingClientRect();
      var width = Math.min(352, document.documentElement.clientWidth - 16);
      var left = Math.max(8, Math.min(r.left, document.documentElement.clientWidth - width - 8));
      tip.style.width = width + "px";
      tip.style.left = left + window.scrollX + "px";
      tip.style.top = r.bottom + window.scrollY + 6 + "px";
    }
    function showFor(a) {
      var path = noteUrl(a);
      if (!path) return;
      current = a;
      clearTimeout(wait);
      wait = setTimeout(function () {
        fetchPreview(path).then(function (p) {
          if (current !== a || !p) return;
          fill(p);
          place(a);
          tip.hidden = false;
          a.setAttribute("aria-describedby", tip.id);
        });
      }, 150);
    }
    function hide() {
      clearTimeout(wait);
      if (current) current.removeAttribute("aria-describedby");
      current = null;
      tip.hidden = true;
    }
    document.addEventListener("mouseover", function (e) {
      var a = e.target.closest && e.target.closest("a");
      if (a && a !== current) showFor(a);
    });
    document.addEventListener("mouseout", function (e) {
      var a = e.target.closest && e.target.closest("a");
      if (a && a === current && !a.contains(e.relatedTarget)) hide();
    });
    document.addEventListener("focusin", function (e) {
      var a = e.target.closest && e.target.closest("a");
      if (a) showFor(a); else hide();
    });
    document.addEventListener("focusout", function (e) {
      if (e.target === current) hide();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && current) hide();
    });
  }
})();
