// Meeting screen: j/k move between proposals, Enter opens the focused one (a link).
// The live refresh (htmx, every 5 s) replaces the agenda: the current row is remembered by
// its proposal id, not its position, and focus returns to the same proposal's link.
(function () {
  let currentId = null;
  let hadFocus = false;
  function links() { return Array.from(document.querySelectorAll("[data-row-link]")); }
  function rowOf(link) { return link.closest("[data-row]"); }
  function mark(link, focus) {
    document.querySelectorAll(".agenda-row.is-current").forEach((r) => r.classList.remove("is-current"));
    if (!link) return;
    rowOf(link).classList.add("is-current");
    currentId = rowOf(link).dataset.proposal;
    if (focus) link.focus({ preventScroll: false });
  }
  function move(step) {
    const all = links();
    if (!all.length) return;
    const at = all.findIndex((l) => rowOf(l).dataset.proposal === currentId);
    const next = at < 0 ? 0 : Math.max(0, Math.min(at + step, all.length - 1));
    mark(all[next], true);
  }
  document.addEventListener("keydown", (event) => {
    const tag = (event.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.key === "j") { move(1); event.preventDefault(); }
    if (event.key === "k") { move(-1); event.preventDefault(); }
  });
  document.addEventListener("focusin", (event) => {
    const link = event.target.closest && event.target.closest("[data-row-link]");
    if (link) mark(link, false);
  });
  // The refresh swaps either the whole agenda or only the changed rows (out of band).
  function remember() {
    hadFocus = !!(document.activeElement && document.activeElement.closest && document.activeElement.closest("#agenda"));
  }
  function restore() {
    if (currentId === null) return;
    const row = document.querySelector(`[data-row][data-proposal="${currentId}"]`);
    const link = row && row.querySelector("[data-row-link]");
    if (link) mark(link, hadFocus && document.activeElement !== link);
  }
  document.addEventListener("htmx:beforeSwap", remember);
  document.addEventListener("htmx:oobBeforeSwap", remember);
  document.addEventListener("htmx:afterSettle", restore);
  document.addEventListener("htmx:oobAfterSwap", restore);
})();

// Live refresh: send the version the screen shows; the server answers 204 when nothing changed
// (htmx then swaps nothing) or only the changed rows (out-of-band), and its ETag is the new one.
(function () {
  function agenda() { return document.getElementById("agenda"); }
  document.addEventListener("htmx:configRequest", (event) => {
    const node = agenda();
    if (node && event.detail.elt === node && node.dataset.version) {
      event.detail.headers["If-None-Match"] = node.dataset.version;
    }
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    const etag = xhr && xhr.getResponseHeader("ETag");
    const node = agenda();
    if (etag && node && event.detail.successful) node.dataset.version = etag;
  });
})();
