// The import page polls its progress until the worker finishes, then reloads to show the result.
(function () {
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = document.getElementById("import-bar");
  var stage = document.getElementById("import-stage");
  var count = document.getElementById("import-count");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.finished) { window.location.reload(); return; }
        document.getElementById("import-status").textContent = d.label;
        var offline = document.getElementById("import-queued-offline");
        if (offline) offline.hidden = !d.queued_offline;
        if (d.total > 0) {
          bar.max = d.total;
          bar.value = d.done;
          stage.textContent = d.stage;
          count.textContent = d.done.toLocaleString("en-GB") + " of " + d.total.toLocaleString("en-GB") + " rows";
        }
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
