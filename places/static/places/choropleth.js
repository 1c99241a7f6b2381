// Shows the figures of the township under the pointer or keyboard focus below the map.
// Screen readers already hear them from each link's accessible name, so the readout is aria-hidden.
(function () {
  document.querySelectorAll(".choropleth").forEach(function (figure) {
    var readout = figure.querySelector("[data-choropleth-readout]");
    if (!readout) return;
    function show(event) {
      var region = event.target.closest(".choropleth-region");
      readout.textContent = region ? region.getAttribute("aria-label") : "";
    }
    figure.addEventListener("focusin", show);
    figure.addEventListener("pointerover", show);
  });
})();
