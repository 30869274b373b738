// Meeting screen: j/k move between proposals, Enter opens the focused one.
// Works across htmx refreshes of the agenda because it looks the rows up on every key.
(function () {
  let current = -1;
  function rows() { return Array.from(document.querySelectorAll("[data-row-link]")); }
  function focus(index) {
    const links = rows();
    if (!links.length) return;
    current = Math.max(0, Math.min(index, links.length - 1));
    document.querySelectorAll(".agenda-row.is-current").forEach((r) => r.classList.remove("is-current"));
    const link = links[current];
    link.closest("[data-row]").classList.add("is-current");
    link.focus();
  }
  document.addEventListener("keydown", (event) => {
    const tag = (event.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.key === "j") { focus(current + 1); event.preventDefault(); }
    if (event.key === "k") { focus(current - 1); event.preventDefault(); }
  });
  // Keep the focused row across a live refresh.
  document.addEventListener("htmx:afterSwap", () => { if (current >= 0) { const links = rows(); if (links[current]) links[current].closest("[data-row]").classList.add("is-current"); } });
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
