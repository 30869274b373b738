// Monitor map layer: each neighbourhood coloured by its carrying-capacity class, its opacity
// by the period's placements per 1,000 homes; a click names the figures (suppressed ones as
// "< 5"). The table beside the map holds the same figures. Works without a tile server.
(function () {
  "use strict";
  const COLOURS = { green: "#15803d", amber: "#d97706", red: "#b91c1c", unknown: "#94a3b8" };

  function draw() {
    const box = document.getElementById("monitor-map");
    const source = document.getElementById("monitor-map-data");
    if (!box || !source || typeof window.L === "undefined") return;
    const data = JSON.parse(source.textContent);
    if (!data.features.length) return;
    const small = box.dataset.suppressed || "< 5";
    const most = Math.max(1, ...data.features.map((f) => f.properties.per_1000 || 0));
    const map = window.L.map(box, { scrollWheelZoom: false, attributionControl: false });
    const layer = window.L.geoJSON(data, {
      style: (f) => ({
        color: "#334155",
        weight: 1,
        fillColor: COLOURS[f.properties.class] || COLOURS.unknown,
        fillOpacity: 0.15 + 0.7 * ((f.properties.per_1000 || 0) / most),
      }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        const placed = p.placements === null ? small : String(p.placements);
        const rate = p.per_1000 === null ? "—" : String(p.per_1000).replace(".", ",");
        l.bindTooltip(p.name + ": " + placed + " plaatsingen, " + rate + " per 1.000 woningen; nu " + p.class_label);
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
