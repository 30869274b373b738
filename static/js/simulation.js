// What-if simulation charts. The data comes from a json_script block (no inline script: CSP).
// One line per scenario; colours are distinguishable and keep their order across charts.
(function () {
  const COLOURS = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce"];
  const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

  function draw() {
    const source = document.getElementById("simulation-chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    const data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const key = canvas.dataset.chart;
      const longest = data.runs.reduce((a, r) => (r.weeks.length > a.length ? r.weeks : a), []);
      new window.Chart(canvas, {
        type: "line",
        data: {
          labels: longest,
          datasets: data.runs.map((run, i) => ({
            label: run.name,
            data: run[key],
            borderColor: COLOURS[i % COLOURS.length],
            backgroundColor: COLOURS[i % COLOURS.length],
            borderDash: DASHES[i % DASHES.length],
            borderWidth: 2,
            pointRadius: 0,
            spanGaps: true,
            tension: 0.15,
          })),
        },
        options: {
          maintainAspectRatio: false,
          animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { title: { display: true, text: data.week_label } },
            y: { beginAtZero: true },
          },
          plugins: { legend: { position: "bottom" } },
        },
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
