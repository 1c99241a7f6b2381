// Live funding progress on a project page: the server pushes funding.progress events on
// /ws/projects/<id>/; while the socket is down, the page keeps its figures and catches up over HTTP.
(function () {
  "use strict";
  const panel = document.querySelector("[data-funding-project]");
  if (!panel || !window.homewardLiveSocket) return;

  const projectId = panel.getAttribute("data-funding-project");
  const totalsUrl = panel.getAttribute("data-funding-url");

  // The same figures as the server's templates: 1234567 → "1,234,567" (commas in every language).
  function thousands(value) { return Math.trunc(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  // Python's round() rounds halves to even; do the same so the percentage matches a reload.
  function roundHalfEven(value) {
    const floor = Math.floor(value);
    const diff = value - floor;
    if (Math.abs(diff - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
    return Math.round(value);
  }

  function set(name, text) {
    panel.querySelectorAll('[data-funding="' + name + '"]').forEach(function (element) {
      if (element.textContent !== text) element.textContent = text;
    });
  }

  function show(progress) {
    if (!progress || String(progress.project_id) !== projectId) return;
    set("raised", "NT$" + thousands(progress.raised_twd));
    set("backers", thousands(progress.backers));
    if (progress.goal_twd) {
      const percent = Math.min(100, roundHalfEven((100 * progress.raised_twd) / progress.goal_twd));
      panel.querySelectorAll('[data-funding="progress"]').forEach(function (bar) {
        bar.max = progress.goal_twd;
        bar.value = progress.raised_twd;
        bar.textContent = percent + "%";
      });
      set("percent", String(percent));
    }
  }

  function catchUp() {
    if (!totalsUrl) return;
    fetch(totalsUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(show)
      .catch(function () {});
  }

  window.homewardLiveSocket("/ws/projects/" + projectId + "/", {
    onOpen: function () {
      catchUp(); // what changed while the socket was down (or between rendering the page and connecting)
      panel.setAttribute("data-funding-live", "connected");
    },
    onMessage: function (data) {
      if (data.event === "funding.progress") show(data.payload);
    },
    onClose: function () { panel.setAttribute("data-funding-live", "disconnected"); },
    stopOn: [4404], // not a public project: nothing to follow
  });
})();
