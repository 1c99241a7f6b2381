// The notification bell's live count (homewardLiveSocket, js/live-socket.js, reconnects), with HTTP catch-up.
// The server pushes {event, payload}; pages listen for "homeward:live" DOM events.
(function () {
  "use strict";
  const bell = document.querySelector("[data-live-notifications]");
  if (!bell || !window.homewardLiveSocket) return;

  const countUrl = bell.getAttribute("data-live-notifications");

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

  window.homewardLiveSocket("/ws/notifications/", {
    onMessage: function (data) {
      if (data.event === "notifications.changed") showUnread(data.payload.unread_count);
      document.dispatchEvent(new CustomEvent("homeward:live", { detail: data }));
    },
    onClose: function (event) {
      if (event.code !== 4401 && event.code !== 4403) catchUp(); // while the socket is down, HTTP keeps the count
    },
    stopOn: [4401, 4403], // signed out or not allowed: do not retry
  });
})();
