// The Reports page: draws each chart with Chart.js from the figures of the table
// beside it (data-value holds each cell's raw number), so chart and table always agree.
"use strict";

(function () {
  function figures(table) {
    const columns = Array.from(table.tHead.rows[0].cells).map((c) => c.textContent.trim());
    const rows = Array.from(table.tBodies[0].rows)
      .filter((r) => r.cells.length === columns.length)
      .map((r) => Array.from(r.cells).map((c, i) => (i === 0 ? c.textContent.trim() : c.dataset.value)));
    return { columns, rows };
  }

  const COLOURS = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f"];

  function draw(canvas) {
    const table = document.getElementById(canvas.dataset.table);
    if (!table || typeof Chart === "undefined") return;
    const { columns, rows } = figures(table);
    const kind = canvas.dataset.chart;
    // Bar charts leave out the "All" row and the case counts; they compare the parts.
    const shown = kind === "bar" && rows.length > 1 && rows[0][0] === "All" ? rows.slice(1) : rows;
    const series = columns
      .map((name, i) => ({ name, i }))
      .slice(1)
      .filter((s) => !(kind === "bar" && columns.length > 3 && (s.name === "cases" || s.name === "closed")));
    const hours = series.some((s) => /median|p90/.test(s.name));
    canvas.chart = new Chart(canvas, {
      type: kind,
      data: {
        labels: shown.map((r) => r[0]),
        datasets: series.map((s, n) => ({
          label: hours ? s.name + " (h)" : s.name,
          data: shown.map((r) => (r[s.i] === "" ? null : Number(r[s.i]) / (hours ? 3600 : 1))),
          borderColor: COLOURS[n % COLOURS.length],
          backgroundColor: COLOURS[n % COLOURS.length],
        })),
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false },
    });
  }

  function start() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
