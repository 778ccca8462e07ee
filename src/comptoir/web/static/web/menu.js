/* The compact header's menu: a button that shows and hides the navigation on a phone.
   Without this script the button stays hidden and the links show as a row under the name,
   so every page is still reachable. Escape closes the menu and gives the focus back. */
(function () {
  "use strict";
  document.querySelectorAll("header.site .menu-button").forEach(function (button) {
    var header = button.closest("header.site");
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!header || !menu) return;

    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    }

    header.classList.add("menu-ready");
    button.hidden = false;
    show(false);
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  });
})();
