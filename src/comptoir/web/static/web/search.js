// The search box as a combobox (WAI-ARIA 1.2 pattern): htmx fills the listbox as one types;
// this script shows or hides it, moves through its options with the arrow keys, follows the
// chosen one with Enter and closes it with Escape or a click elsewhere.
(function () {
  "use strict";
  // The facets stay folded on a phone (the results come first) and open on a wide screen,
  // including after htmx swaps new results in.
  function unfoldFacets() {
    if (!window.matchMedia("(min-width: 48rem)").matches) return;
    document.querySelectorAll("details.facets").forEach(function (facets) { facets.open = true; });
  }
  function setUp() {
    unfoldFacets();
    document.body.addEventListener("htmx:afterSwap", unfoldFacets);
    var box = document.querySelector("[role=combobox][aria-controls=search-suggestions]");
    var list = document.getElementById("search-suggestions");
    if (!box || !list) return;
    var active = -1;

    function options() { return list.querySelectorAll("[role=option]"); }
    function open(show) {
      list.hidden = !show;
      box.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) { choose(-1); }
    }
    function choose(index) {
      var all = options();
      active = index;
      for (var i = 0; i < all.length; i++) {
        all[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index >= 0 && all[index]) {
        box.setAttribute("aria-activedescendant", all[index].id);
      } else {
        box.removeAttribute("aria-activedescendant");
      }
    }
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === list) { open(options().length > 0 && box.value.trim().length > 1); }
    });
    box.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown" && all.length) {
        event.preventDefault();
        open(true);
        choose((active + 1) % all.length);
      } else if (event.key === "ArrowUp" && all.length) {
        event.preventDefault();
        open(true);
        choose(active <= 0 ? all.length - 1 : active - 1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        window.location.href = all[active].dataset.href;
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();  // a first Escape closes the list; a second clears the box
        open(false);
      }
    });
    box.addEventListener("blur", function () { setTimeout(function () { open(false); }, 200); });
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { window.location.href = option.dataset.href; }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
