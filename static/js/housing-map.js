// The veerkrachtkaart: neighbourhoods coloured by carrying capacity, offered dwellings as
// markers, a click shows the breakdown. Works without a tile server (tiles are optional).
(function () {
  "use strict";
  const COLOURS = { green: "#2e9d4a", amber: "#f0a500", red: "#c8362c", unknown: "#b8bec6" };

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function showDetails(target, p) {
    target.replaceChildren();
    const title = el("h2", p.name + " (" + p.code + ")");
    target.appendChild(title);
    if (p.score === null) {
      target.appendChild(el("p", "Geen indicatoren bekend."));
    } else {
      const room = p.headroom === null ? "ruimte onbekend (aantal woningen ontbreekt)" : "ruimte: " + p.headroom + " plaatsing(en)";
      target.appendChild(el("p", "Score " + p.score + " · " + p.class_label + " · " + room + " · jaar " + p.year));
      if (!p.complete) {
        target.appendChild(el("p", "Onvolledig: de score berust op " + p.inputs_known + " van de " + p.inputs_total + " gegevens. Ontbreekt: " + p.missing.join(", ") + ".", "incomplete"));
      }
      const table = el("table", null, "table breakdown");
      const body = el("tbody");
      p.breakdown.forEach(function (c) {
        const row = el("tr");
        row.appendChild(el("td", c.label));
        row.appendChild(el("td", c.value));
        if (c.missing) row.className = "missing";
        const text = c.missing ? "–" : (c.points > 0 && c.key !== "base" ? "+" : "") + c.points;
        const pts = el("td", text, "num " + (c.points < 0 ? "minus" : (c.key !== "base" && c.points > 0 ? "plus" : "")));
        row.appendChild(pts);
        body.appendChild(row);
      });
      table.appendChild(body);
      target.appendChild(table);
    }
    const link = el("a", "Alle gegevens van deze buurt");
    link.href = "/buurten/" + encodeURIComponent(p.code) + "/";
    target.appendChild(link);
  }

  function init() {
    const node = document.getElementById("veerkrachtkaart");
    if (!node || !window.L) return;
    const details = document.getElementById("map-details");
    const map = L.map(node, { zoomSnap: 0.25, attributionControl: true });
    const tileUrl = node.dataset.tileUrl;
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
    }
    map.setView([52.1, 5.1], 8);
    fetch(node.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        const areas = { type: "FeatureCollection", features: data.features.filter(function (f) { return f.properties.kind === "neighbourhood"; }) };
        const offered = data.features.filter(function (f) { return f.properties.kind === "offered"; });
        const layer = L.geoJSON(areas, {
          style: function (f) {
            // An incomplete score (inputs missing) gets a dashed, heavier outline.
            const incomplete = f.properties.score !== null && !f.properties.complete;
            return {
              color: incomplete ? "#5a2d82" : "#333",
              weight: incomplete ? 2.5 : 1,
              dashArray: incomplete ? "6 4" : null,
              fillColor: COLOURS[f.properties.class] || COLOURS.unknown,
              fillOpacity: 0.7,
            };
          },
          onEachFeature: function (f, lyr) {
            const p = f.properties;
            const suffix = p.score !== null && !p.complete ? " (onvolledig " + p.inputs_known + "/" + p.inputs_total + ")" : "";
            lyr.bindTooltip(p.name + " – " + (p.score === null ? "onbekend" : p.score) + suffix);
            lyr.on("click", function () { showDetails(details, f.properties); });
          },
        }).addTo(map);
        // One marker per neighbourhood with the number of offered dwellings (the data is
        // aggregated per buurt); its popup links to the dwelling list of that buurt.
        offered.forEach(function (f) {
          const c = f.geometry.coordinates;
          const n = f.properties.count;
          const marker = L.circleMarker([c[1], c[0]], { radius: Math.min(6 + Math.sqrt(n) * 2, 22), color: "#fff", weight: 1.5, fillColor: "#0b5e7a", fillOpacity: 0.9 });
          marker.bindTooltip(String(n), { permanent: true, direction: "center", className: "offered-count" });
          const box = el("div");
          box.appendChild(el("div", n + (n === 1 ? " aangeboden woning in " : " aangeboden woningen in ") + f.properties.name));
          const a = el("a", "Bekijk de woningen");
          a.href = f.properties.url;
          box.appendChild(a);
          marker.bindPopup(box);
          marker.addTo(map);
        });
        if (areas.features.length) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
        node.dataset.ready = "true";
      })
      .catch(function () { details.replaceChildren(el("p", "De kaartgegevens konden niet worden geladen.")); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
