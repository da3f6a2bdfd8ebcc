/* Draws the dashboard's 12-month trend from the figures the page embeds (no inline script). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trend-data").textContent);
  var canvas = document.getElementById("trend-chart");
  if (!canvas || !window.Chart) { return; }
  // Distinguishable for the common colour-vision deficiencies (Okabe-Ito), darkened for contrast.
  var colours = ["#1d4f91", "#b35900", "#007a5a", "#a3366b", "#4d4d4d", "#0072b2", "#8a6d00", "#6a3d9a", "#b3261e"];
  var dashes = [[], [6, 3], [2, 2], [8, 3, 2, 3], [], [6, 3], [2, 2], [8, 3, 2, 3], []];
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s, i) {
        return {
          label: s.label,
          data: s.points,
          borderColor: colours[i % colours.length],
          backgroundColor: colours[i % colours.length],
          borderDash: dashes[i % dashes.length],
          borderWidth: i === 0 ? 3 : 2,
          spanGaps: true,
          tension: 0.2
        };
      })
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + c.formattedValue + "%"; } } }
      }
    }
  });
})();
