// Regional monitor charts. Data from a json_script block (no inline script: CSP); every
// chart has its table beside it, and a suppressed cell (null) is a gap, never a value.
(function () {
  const COLOURS = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#0e7490", "#a16207", "#be123c", "#4d7c0f"];
  const CLASS_COLOURS = { green: "#15803d", amber: "#d97706", red: "#b91c1c", unknown: "#94a3b8" };
  const HEADROOM_COLOURS = { none: "#b91c1c", low: "#d97706", some: "#0e7490", plenty: "#15803d" };
  const BAR_KINDS = { bands: true, classes: true, headroom: true, let: true, shares: true, meetings: true };
  const STACKED = { classes: true, headroom: true, let: true };

  function draw() {
    const source = document.getElementById("monitor-chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    const all = JSON.parse(source.textContent) || {};
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    document.querySelectorAll("canvas[data-monitor-chart]").forEach((canvas) => {
      const kind = canvas.dataset.monitorChart;
      const data = all[kind];
      if (!data) return;
      const bar = !!BAR_KINDS[kind];
      new window.Chart(canvas, {
        type: bar ? "bar" : "line",
        data: {
          labels: data.labels,
          datasets: data.series.map((s, i) => {
            const colour =
              (s.key && (CLASS_COLOURS[s.key] || HEADROOM_COLOURS[s.key])) || COLOURS[i % COLOURS.length];
            return {
              label: s.label,
              data: s.data,
              borderColor: colour,
              backgroundColor: colour,
              borderWidth: 2,
              pointRadius: bar ? 0 : 2,
              spanGaps: false,
              tension: 0.15,
            };
          }),
        },
        options: {
          maintainAspectRatio: false,
          animation: reduced ? false : undefined,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { stacked: !!STACKED[kind] },
            y: { beginAtZero: true, stacked: !!STACKED[kind], ticks: { precision: 0 } },
          },
          plugins: { legend: { position: "bottom" } },
          locale: "nl-NL",
        },
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
