// Shows what the form's change would do, asked of the server's one engine as the fields change.
(function () {
  var box = document.getElementById("preview");
  if (!box) return;
  var form = box.closest("form") || document.querySelector("form.ws-form");
  var list = box.querySelector("ul");
  var timer = null;
  function ask() {
    var params = new URLSearchParams({ kind: box.dataset.kind });
    ["colleague", "course", "completed_on", "requirement", "new_due_date", "starts_on", "ends_on", "satisfies"].forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value) params.set(name, field.value);
    });
    fetch(box.dataset.url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        list.textContent = "";
        d.lines.forEach(function (line) {
          var li = document.createElement("li");
          li.textContent = line;
          list.appendChild(li);
        });
        box.hidden = d.lines.length === 0;
      });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 250); });
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(ask, 50); });
  ask();
})();
