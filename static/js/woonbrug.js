// Small progressive enhancements. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches && el.matches("[data-autosubmit]")) el.form.submit();
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});

// Tables marked "stack-on-phone" become cards on narrow screens (static/css/layout.css); each
// cell shows its column header as a label, copied here from the table head so templates stay
// simple. Runs again after htmx swaps a fragment in.
function labelStackedTables(root) {
  root.querySelectorAll("table.stack-on-phone").forEach((table) => {
    const heads = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((row) => {
      Array.from(row.children).forEach((cell, i) => {
        if (!cell.hasAttribute("data-label") && heads[i] && cell.colSpan === 1) cell.setAttribute("data-label", heads[i]);
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", () => labelStackedTables(document));
document.addEventListener("htmx:afterSwap", (event) => labelStackedTables(event.target.closest("table") ? event.target.closest("table").parentNode : event.target));

// A table box that scrolls sideways must be reachable by keyboard (WCAG 2.1.1; axe
// "scrollable-region-focusable"): such boxes get a tab stop.
function focusableScrollBoxes(root) {
  root.querySelectorAll(".table-scroll, .scroll").forEach((box) => {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
  });
}
document.addEventListener("DOMContentLoaded", () => focusableScrollBoxes(document));
window.addEventListener("resize", () => focusableScrollBoxes(document));
