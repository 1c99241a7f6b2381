// The township map (places/templates/places/includes/choropleth.html):
// - shows the figures of the township under the pointer or keyboard focus below the map, and outlines that
//   township above its neighbours (an SVG <use> drawn last; SVG has no z-index). Screen readers already hear
//   the figures from each link's accessible name, so the readout is aria-hidden;
// - makes the map one tab stop (roving tabindex): the arrow keys move to the nearest township in that
//   direction, Home and End to the first and last; the focused township keeps tabindex 0, so Tab leaves the
//   map and Shift+Tab comes back to it;
// - "Skip the map" opens the table of figures and moves there.
(function () {
  document.querySelectorAll(".choropleth").forEach(function (figure) {
    var readout = figure.querySelector("[data-choropleth-readout]");
    var highlight = figure.querySelector("[data-choropleth-highlight]");
    var regions = Array.prototype.slice.call(figure.querySelectorAll(".choropleth-region"));
    var centres = null;

    function show(event) {
      var region = event.target.closest(".choropleth-region");
      if (readout) readout.textContent = region ? region.getAttribute("aria-label") : "";
      if (highlight) highlight.setAttribute("href", region ? "#" + region.querySelector("path").id : "");
    }
    figure.addEventListener("focusin", show);
    figure.addEventListener("pointerover", show);

    function centreOf(region) {
      var box = region.getBBox();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }
    // The nearest township whose centre lies in the direction of the arrow (within 60° either side),
    // distance along the direction counting less than distance across it.
    function nearest(from, dx, dy) {
      if (!centres) centres = regions.map(centreOf);
      var origin = centres[from];
      var best = -1;
      var bestScore = Infinity;
      centres.forEach(function (centre, index) {
        if (index === from) return;
        var along = (centre.x - origin.x) * dx + (centre.y - origin.y) * dy;
        var across = Math.abs((centre.x - origin.x) * dy - (centre.y - origin.y) * dx);
        if (along <= 0 || across > along * 1.8) return;
        var score = along + across * 2;
        if (score < bestScore) {
          bestScore = score;
          best = index;
        }
      });
      return best;
    }
    function moveTo(index) {
      if (index < 0) return;
      regions.forEach(function (region, number) {
        region.setAttribute("tabindex", number === index ? "0" : "-1");
      });
      regions[index].focus();
    }
    var directions = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    figure.addEventListener("keydown", function (event) {
      var current = regions.indexOf(event.target.closest(".choropleth-region"));
      if (current < 0) return;
      if (directions[event.key]) {
        moveTo(nearest(current, directions[event.key][0], directions[event.key][1]));
      } else if (event.key === "Home") {
        moveTo(0);
      } else if (event.key === "End") {
        moveTo(regions.length - 1);
      } else {
        return;
      }
      event.preventDefault();
    });
    // A click (or the page's own #fragment) leaves the roving stop on that township.
    figure.addEventListener("focusin", function (event) {
      var index = regions.indexOf(event.target.closest(".choropleth-region"));
      if (index >= 0 && regions[index].getAttribute("tabindex") !== "0") moveTo(index);
    });

    var skip = figure.querySelector("[data-choropleth-skip]");
    var table = figure.querySelector(".choropleth-table");
    if (skip && table) {
      skip.addEventListener("click", function (event) {
        event.preventDefault();
        table.open = true;
        table.querySelector("summary").focus();
      });
    }
  });
})();
