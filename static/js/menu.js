// The site menu folds behind a "Menu" button on narrow screens (the disclosure pattern:
// a button with aria-expanded and aria-controls). Without this script the button stays
// hidden and the menu open, so every link is still reachable.
// It also lets a keyboard reach a table box that scrolls sideways (WCAG 2.1.1): the box
// becomes a named region in the tab order only while it actually overflows.
(function () {
  "use strict";
  var toggle = document.querySelector(".menu-toggle");
  if (toggle) {
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        if (menu && menu.contains(document.activeElement)) toggle.focus();
      }
    });
  }

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var section = box.closest("section");
    var heading = section && section.querySelector("h1, h2, h3");
    if (!heading) heading = document.querySelector("h1");
    return heading ? heading.textContent.trim() : "Table";
  }

  function markScrollBoxes() {
    document.querySelectorAll(".scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box) + " (scrolls sideways)");
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  markScrollBoxes();
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(markScrollBoxes, 150);
  });
})();
