// Live updates over one websocket, with back-off and catch-up.
// The server pushes {event, payload}; pages listen for "homeward:live" DOM events.
(function () {
  "use strict";
  const bell = document.querySelector("[data-live-notifications]");
  if (!bell || !("WebSocket" in window)) return;

  const countUrl = bell.getAttribute("data-live-notifications");
  const socketUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/notifications/";
  const MIN_DELAY = 1000;
  const MAX_DELAY = 30000;
  let delay = MIN_DELAY;

  function showUnread(count) {
    document.querySelectorAll("[data-unread-count]").forEach(function (badge) {
      badge.textContent = String(count);
      badge.hidden = count === 0;
    });
  }

  function catchUp() {
    // While the socket is down, plain HTTP keeps the badge right.
    fetch(countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) showUnread(data.unread_count); })
      .catch(function () {});
  }

  function connect() {
    const socket = new WebSocket(socketUrl);
    socket.addEventListener("open", function () { delay = MIN_DELAY; });
    socket.addEventListener("message", function (message) {
      let data;
      try { data = JSON.parse(message.data); } catch (error) { return; }
      if (data.event === "notifications.changed") showUnread(data.payload.unread_count);
      document.dispatchEvent(new CustomEvent("homeward:live", { detail: data }));
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401 || event.code === 4403) return; // signed out or not allowed: do not retry
      catchUp();
      const jitter = Math.random() * 0.3 * delay;
      setTimeout(connect, delay + jitter);
      delay = Math.min(delay * 2, MAX_DELAY);
    });
  }

  connect();
})();
