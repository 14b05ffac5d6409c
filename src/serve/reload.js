// readout serve: live reload. Injected into every page by `readout serve`
// only; a built site never carries it.
(() => {
  "use strict";
  const pageVersion = Number("__READOUT_VERSION__");
  const scrollKey = "readout-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const y = Number(saved);
    const restore = () => window.scrollTo(0, y);
    if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
  }
  let delay = 250;
  let version = pageVersion;
  let patching = Promise.resolve();

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  // A saved change is shown by patching the open page from its new HTML:
  // the reader keeps their scroll, focus, text selection and open
  // <details>. Anything that cannot be patched is reloaded.
  async function patch(v) {
    let next;
    try {
      const res = await fetch(location.href, { cache: "no-store" });
      const type = res.headers.get("content-type") || "";
      if (!res.ok || !type.startsWith("text/html") || document.contentType !== "text/html") return reload();
      next = new DOMParser().parseFromString(await res.text(), "text/html");
    } catch {
      return reload();
    }
    if (document.title !== next.title) document.title = next.title;
    morphChildren(document.head, next.head);
    morph(document.body, next.body);
    version = v;
  }

  // A stylesheet's address without the version a style swap gave it.
  function unversioned(href) {
    const url = new URL(href, location.href);
    url.searchParams.delete("readout");
    return url.href;
  }

  // Whether `have` can be patched into `want` (same kind of node, same tag and id).
  function same(have, want) {
    if (have.nodeType !== want.nodeType) return false;
    if (have.nodeType !== Node.ELEMENT_NODE) return true;
    return have.tagName === want.tagName && have.id === want.id;
  }

  function morph(have, want) {
    for (const a of Array.from(have.attributes)) {
      if (!want.hasAttribute(a.name) && !(a.name === "open" && have.tagName === "DETAILS")) have.removeAttribute(a.name);
    }
    for (const a of Array.from(want.attributes)) {
      if (a.name === "open" && have.tagName === "DETAILS") continue; // the reader opened or closed it
      if (a.name === "href" && have.tagName === "LINK" && unversioned(have.href) === unversioned(want.href)) continue;
      if (have.getAttribute(a.name) !== a.value) have.setAttribute(a.name, a.value);
    }
    if (have.tagName === "SCRIPT" || have.tagName === "TEXTAREA") {
      if (have.textContent !== want.textContent) have.textContent = want.textContent;
      return;
    }
    morphChildren(have, want);
  }

  function morphChildren(parent, wanted) {
    const want = Array.from(wanted.childNodes);
    let have = parent.firstChild;
    for (let i = 0; i < want.length; i++) {
      const w = want[i];
      // A node taken out, or one put in, shifts the rest: look one step ahead.
      if (have && !same(have, w) && have.nextSibling && same(have.nextSibling, w)) {
        const gone = have;
        have = have.nextSibling;
        gone.remove();
      } else if (have && !same(have, w) && want[i + 1] && same(have, want[i + 1])) {
        parent.insertBefore(document.importNode(w, true), have);
        continue;
      }
      if (!have) {
        parent.append(document.importNode(w, true));
      } else if (!same(have, w)) {
        const put = document.importNode(w, true);
        parent.replaceChild(put, have);
        have = put.nextSibling;
      } else {
        if (have.nodeType === Node.ELEMENT_NODE) morph(have, w);
        else if (have.nodeValue !== w.nodeValue) have.nodeValue = w.nodeValue;
        have = have.nextSibling;
      }
    }
    while (have) {
      const gone = have;
      have = have.nextSibling;
      gone.remove();
    }
  }

  function swapStyles(v) {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      url.searchParams.set("readout", String(v));
      const next = link.cloneNode();
      next.href = url.href;
      next.addEventListener("load", () => link.remove(), { once: true });
      next.addEventListener("error", () => link.remove(), { once: true });
      link.after(next);
    }
  }

  function hideErrors() {
    const old = document.getElementById("readout-errors");
    if (old) old.remove();
  }

  function showErrors(errors) {
    hideErrors();
    const box = document.createElement("div");
    box.id = "readout-errors";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;" +
      "background:#2b0d0d;color:#fde8e8;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;" +
      "padding:16px 20px;border-top:4px solid #f05252;box-shadow:0 -8px 24px rgba(0,0,0,.4)";
    const title = document.createElement("strong");
    title.textContent = errors.length === 1 ? "readout: 1 error — the last good version is shown" :
      "readout: " + errors.length + " errors — the last good version is shown";
    title.style.cssText = "display:block;font-size:15px;margin-bottom:8px;color:#fff";
    box.append(title);
    for (const e of errors) {
      const item = document.createElement("div");
      item.className = "readout-error";
      item.style.cssText = "margin:10px 0;white-space:pre-wrap";
      const where = document.createElement("div");
      where.className = "readout-error-location";
      where.style.cssText = "color:#fca5a5;font-weight:bold";
      where.textContent = e.location;
      const what = document.createElement("div");
      what.className = "readout-error-message";
      what.textContent = e.message;
      item.append(where, what);
      if (e.line) {
        const line = document.createElement("code");
        line.style.cssText = "display:block;color:#e5e7eb;background:#00000055;padding:2px 6px;margin-top:4px";
        line.textContent = e.line;
        item.append(line);
      }
      if (e.help) {
        const help = document.createElement("div");
        help.style.cssText = "color:#bbf7d0";
        help.textContent = "help: " + e.help;
        item.append(help);
      }
      box.append(item);
    }
    (document.body || document.documentElement).append(box);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(scheme + "//" + location.host + "/__readout/ws");
    socket.addEventListener("open", () => { delay = 250; });
    socket.addEventListener("message", (event) => {
      let m;
      try { m = JSON.parse(event.data); } catch { return; }
      if (m.kind === "errors") { showErrors(m.errors); return; }
      if (m.kind === "hello") {
        hideErrors();
        if (m.version !== version) reload();
        return;
      }
      hideErrors();
      if (m.kind === "reload") patching = patching.then(() => patch(m.version));
      else if (m.kind === "css") { version = m.version; swapStyles(m.version); }
    });
    socket.addEventListener("close", () => {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 4000);
    });
  }
  connect();
})();
