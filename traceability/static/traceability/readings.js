// Live readings on a project page: the server pushes trace.readings events on /ws/trace/projects/<id>/ after a
// device posts; the latest values update and the 24-hour chart grows. While the socket is down the page keeps
// its figures and catches up over HTTP (readings.json) on every (re)connect.
(function () {
  "use strict";
  const panel = document.querySelector("[data-trace-readings]");
  if (!panel || !window.homewardLiveSocket) return;
  const projectId = panel.getAttribute("data-trace-readings");
  const catchUpUrl = panel.getAttribute("data-trace-catch-up");
  const liveState = panel.querySelector("[data-trace-live-state]");
  const locale = document.documentElement.lang || undefined;
  // The site's time zone (Asia/Taipei), as the server wrote the other times: not the reader's computer's.
  const timeZone = panel.getAttribute("data-trace-tz") || undefined;

  function formatTime(iso) {
    const date = new Date(iso);
    if (isNaN(date)) return "";
    const options = { year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    try {
      return date.toLocaleString(locale, Object.assign({ timeZone: timeZone }, options));
    } catch (error) {  // a zone this browser does not know
      return date.toLocaleString(locale, options);
    }
  }

  function extendChart(svg, iso, value) {
    const path = svg.querySelector(".chart-line");
    const x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1);
    const low = Number(svg.dataset.low), high = Number(svg.dataset.high);
    const left = Number(svg.dataset.left), top = Number(svg.dataset.top);
    const width = Number(svg.dataset.width), height = Number(svg.dataset.height);
    const time = new Date(iso).getTime();
    if (!path || !(time > x0) || !(high > low)) return;
    // Past the drawn period's end: stretch nothing, just stop extending (the next page load redraws the chart).
    if (time > x1 + (x1 - x0) * 0.02) return;
    const clamped = Math.min(Math.max(value, low), high);
    const x = left + ((time - x0) / (x1 - x0)) * width;
    const y = top + ((high - clamped) / (high - low)) * height;
    path.setAttribute("d", path.getAttribute("d") + " L" + x.toFixed(1) + " " + y.toFixed(1));
  }

  function show(deviceId, latest) {
    const device = panel.querySelector('[data-trace-device="' + deviceId + '"]');
    if (!device) return;
    Object.keys(latest).forEach(function (code) {
      const item = device.querySelector('[data-trace-measure="' + code + '"]');
      if (!item) return;
      const iso = latest[code][0], value = latest[code][1];
      const time = item.querySelector("[data-trace-time]");
      if (time && time.getAttribute("datetime") && new Date(time.getAttribute("datetime")) >= new Date(iso)) return;
      const shown = item.querySelector("[data-trace-value]");
      // The measure's own decimals (a value first shown as "—" has none to copy).
      const decimals = Number(shown.getAttribute("data-trace-decimals") || (shown.textContent.split(".")[1] || "").length);
      shown.textContent = Number(value).toFixed(decimals);
      if (time) { time.setAttribute("datetime", iso); time.textContent = formatTime(iso); }
      item.classList.add("trace-updated");
      setTimeout(function () { item.classList.remove("trace-updated"); }, 1500);
      const chart = document.getElementById("chart-" + deviceId + "-" + code);
      if (chart && chart.tagName.toLowerCase() === "svg") extendChart(chart, iso, Number(value));
    });
  }

  function catchUp() {
    if (!catchUpUrl) return;
    fetch(catchUpUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        body.devices.forEach(function (device) { show(device.device_id, device.latest); });
      })
      .catch(function () {});
  }

  window.homewardLiveSocket("/ws/trace/projects/" + projectId + "/", {
    onOpen: function () {
      catchUp();
      panel.setAttribute("data-trace-live", "connected");
      if (liveState) liveState.hidden = false;
    },
    onMessage: function (data) {
      if (data.event === "trace.readings" && String(data.payload.project_id) === projectId) {
        show(data.payload.device_id, data.payload.latest);
      }
    },
    onClose: function () {
      panel.setAttribute("data-trace-live", "disconnected");
      if (liveState) liveState.hidden = true;
    },
    stopOn: [4404],
  });
})();
