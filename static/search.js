// readout's search box and previews of linked notes. Without this script
// the box submits to the search page, which links to the lists, and links
// work as links. Pagefind's script and index are fetched only when a
// reader starts a search; a preview only when a reader asks for one.
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

  function load() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return pf.createInstance({
          basePath: new URL("pagefind/", root).pathname,
          baseUrl: root.pathname,
          noWorker: true,
          excerptLength: 24
        });
      });
    }
    return engine;
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
      f.own = phrase && f.data.meta.kind === "statement" && fold(f.data.meta.words || "").indexOf(phrase) >= 0 ? 1 : 0;
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
    load().then(function (pf) {
      var filters = {};
      Object.keys(chosen).forEach(function (k) { if (chosen[k]) filters[k] = chosen[k]; });
      var phrase = phraseOf(query);
      return pf.search(query || null, { filters: filters, sort: query ? {} : { date: "desc" } }).then(function (search) {
        if (ask !== asked || !search) return null;
        var wanted = search.results.slice(0, phrase ? 30 : SHOWN);
        return Promise.all(wanted.map(function (r) { return r.data(); })).then(function (data) {
          if (ask !== asked) return;
          var found = wanted.map(function (r, i) { return { score: r.score, data: data[i] }; });
          show(order(found, phrase).slice(0, SHOWN), search.results.length, query);
          form.setAttribute("data-search-ms", String(Math.round(performance.now() - started)));
        });
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

  // Only Pagefind's marks are kept of an excerpt; the text is already escaped.
  function marked(excerpt) {
    return excerpt.replace(/<(?!\/?mark>)[^>]*>/g, "");
  }

  function item(f) {
    var li = el("li", "search-result");
    var a = el("a", "search-result-title", f.data.meta.title || f.data.url);
    a.href = f.data.url;
    var about = [f.data.meta.speaker, f.data.meta.date, kindName(f.data.meta.kind)].filter(Boolean).join(" · ");
    var line = el("p", "search-result-meta", about);
    var excerpt = el("p", "search-result-excerpt");
    excerpt.innerHTML = marked(f.data.excerpt || "");
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
    load().then(function (pf) { return pf.filters(); }).then(function (all) {
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
        buckets[n] = fetch(new URL("pagefind/previews/" + n + ".json", root)).then(function (r) {
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
