// Naboråd's own few lines of JavaScript. Everything works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
  // Wide screens show the whole menu; keep the <details> open there for older browsers.
  var wide = window.matchMedia("(min-width: 48rem)");
  function syncMenu() {
    var menu = document.querySelector("details.menu");
    if (menu && wide.matches) { menu.open = true; }
  }
  document.addEventListener("DOMContentLoaded", syncMenu);
  wide.addEventListener("change", syncMenu);
})();
