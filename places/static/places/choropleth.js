// Shows the figures of the township under the pointer or keyboard focus below the map, and outlines
// that township above its neighbours (an SVG <use> drawn last; SVG has no z-index).
// Screen readers already hear the figures from each link's accessible name, so the readout is aria-hidden.
(function () {
  document.querySelectorAll(".choropleth").forEach(function (figure) {
    var readout = figure.querySelector("[data-choropleth-readout]");
    var highlight = figure.querySelector("[data-choropleth-highlight]");
    if (!readout || !highlight) return;
    function show(event) {
      var region = event.target.closest(".choropleth-region");
      readout.textContent = region ? region.getAttribute("aria-label") : "";
      highlight.setAttribute("href", region ? "#" + region.querySelector("path").id : "");
    }
    figure.addEventListener("focusin", show);
    figure.addEventListener("pointerover", show);
  });
})();
