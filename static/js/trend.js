/* Draws the dashboard's trends from the figures the page embeds (no inline script).
   Each chart's axis comes fitted from the server (dashboard/charts.py), so the PDF pack
   draws the same lines on the same axis. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trend-data").textContent);
  if (!window.Chart) { return; }
  // Distinguishable for the common colour-vision deficiencies (Okabe-Ito), darkened for contrast.
  var colours = ["#1d4f91", "#b35900", "#007a5a", "#a3366b", "#4d4d4d", "#0072b2", "#8a6d00", "#6a3d9a", "#b3261e"];
  var dashes = [[], [6, 3], [2, 2], [8, 3, 2, 3], [], [6, 3], [2, 2], [8, 3, 2, 3], []];
  function draw(canvas, labels, chart, unit) {
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: chart.series.map(function (s, i) {
          return {
            label: s.label,
            data: s.points,
            borderColor: colours[i % colours.length],
            backgroundColor: colours[i % colours.length],
            borderDash: dashes[i % dashes.length],
            borderWidth: i === 0 ? 3 : 2,
            spanGaps: true,
            tension: 0  // straight lines: a curve would show values between months that never were
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: chart.axis[0], max: chart.axis[1],
          ticks: { stepSize: chart.axis[2], callback: function (v) { return v + unit; } } } },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + c.formattedValue + unit; } } }
        }
      }
    });
  }
  ["monthly", "quarterly"].forEach(function (period) {
    var p = data[period];
    if (!p) { return; }  // the KPI page draws the quarters only
    draw(document.getElementById("trend-" + period + "-met"), p.labels, p.met, "%");
    draw(document.getElementById("trend-" + period + "-overdue"), p.labels, p.overdue, "");
  });
})();
