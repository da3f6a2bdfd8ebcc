// Swagger UI draws a parameter's choices (true/false, an enum) and a body's examples as a <select>
// with no label; name each one (after its parameter) as it appears (WCAG 4.1.2), so a screen reader says what it sets.
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      var row = select.closest("tr[data-param-name]");
      select.setAttribute("aria-label", row.getAttribute("data-param-name") + " (" + row.getAttribute("data-param-in") + ")");
    });
    root.querySelectorAll("select.examples-select-element:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", "Example");
    });
  }
  new MutationObserver(function () { label(document); }).observe(document.documentElement, { childList: true, subtree: true });
})();
