// Starts Pagefind's own search UI on /search/ (the CSP allows no inline script).
// A query in the address (/search/?q=csv) is searched at once, so a search can be
// linked to and the header's search box lands on its results.
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("search");
    if (!element || typeof PagefindUI === "undefined") return;
    var ui = new PagefindUI({
      element: "#search",
      bundlePath: element.getAttribute("data-search-bundle"),
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      autofocus: false,
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) ui.triggerSearch(query);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
