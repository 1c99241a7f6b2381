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
    document.querySelectorAll("[data-mark-all-read]").forEach(function (form) { form.hidden = count === 0; });
  }

  function catchUp() {
    // While the socket is down, plain HTTP keeps the badge right.
    fetch(countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) showUnread(data.unread_count); })
      .catch(function () {});
  }

  // The toast of a new notification: its title in the page's language, a link that opens it (and marks it read).
  // Polite (read after what the person hears now), kept while the pointer or focus is on it, closed by its button
  // or Escape; at most three at a time.
  const toasts = document.querySelector("[data-notification-toasts]");
  const toastTemplate = document.getElementById("notification-toast");
  const TOAST_SECONDS = 12;
  const MOST_TOASTS = 3;

  function dismiss(toast) {
    if (toast.contains(document.activeElement)) bell.focus(); // focus never falls back to the top of the page
    toast.remove();
  }

  function showToast(payload) {
    if (!toasts || !toastTemplate || !payload.latest_id) return;
    const titles = payload.latest_titles || {};
    const title = titles[toasts.getAttribute("data-language")] || payload.latest_title;
    if (!title) return;
    const toast = toastTemplate.content.firstElementChild.cloneNode(true);
    const link = toast.querySelector(".toast-link");
    link.textContent = title;
    link.href = toasts.getAttribute("data-open-url").replace(/\/0\/open\/$/, "/" + payload.latest_id + "/open/");
    toast.querySelector(".toast-dismiss").addEventListener("click", function () { dismiss(toast); });
    toast.addEventListener("keydown", function (event) { if (event.key === "Escape") dismiss(toast); });
    let held = false;
    ["mouseenter", "focusin"].forEach(function (name) { toast.addEventListener(name, function () { held = true; }); });
    ["mouseleave", "focusout"].forEach(function (name) {
      toast.addEventListener(name, function () { held = toast.matches(":hover") || toast.contains(document.activeElement); });
    });
    let left = TOAST_SECONDS;
    const timer = window.setInterval(function () {
      if (!toast.isConnected) { window.clearInterval(timer); return; }
      if (!held && --left <= 0) { window.clearInterval(timer); dismiss(toast); }
    }, 1000);
    toasts.appendChild(toast);
    while (toasts.children.length > MOST_TOASTS) toasts.firstElementChild.remove();
  }

  // On the notifications page (its first page), the new notification's row at the top of the list, as the server
  // renders it; the empty state goes and the "Mark all as read" button shows (showUnread). Text goes in through
  // textContent only: titles and bodies are people's words.
  const list = document.querySelector("[data-notification-list]");
  const rowTemplate = document.getElementById("notification-row");

  function addRow(payload) {
    if (!list || !rowTemplate || !toasts || !payload.latest_id) return;
    if (list.querySelector('[data-notification-id="' + Number(payload.latest_id) + '"]')) return;
    const language = toasts.getAttribute("data-language");
    const titles = payload.latest_titles || {};
    const rows = payload.latest_rows || {};
    const details = rows[language] || {};
    const title = titles[language] || payload.latest_title;
    if (!title) return;
    const row = rowTemplate.content.firstElementChild.cloneNode(true);
    row.setAttribute("data-notification-id", String(Number(payload.latest_id)));
    const link = row.querySelector("a");
    link.href = toasts.getAttribute("data-open-url").replace(/\/0\/open\/$/, "/" + payload.latest_id + "/open/");
    link.querySelector("strong").textContent = title;
    const body = row.querySelector(".notification-body");
    if (details.body) {
      // Line breaks as the server's linebreaksbr writes them.
      details.body.split(/\r\n|\r|\n/).forEach(function (line, index) {
        if (index) body.appendChild(document.createElement("br"));
        body.appendChild(document.createTextNode(line));
      });
    } else {
      body.remove();
    }
    row.querySelector(".notification-kind").textContent = details.kind || "";
    const time = row.querySelector("time");
    time.setAttribute("datetime", payload.latest_created_at || "");
    time.textContent = details.time || "";
    list.insertBefore(row, list.firstElementChild);
    list.hidden = false;
    const empty = document.querySelector("[data-notification-empty]");
    if (empty) empty.remove();
  }

  window.homewardLiveSocket("/ws/notifications/", {
    onOpen: function () { if (toasts) toasts.setAttribute("data-notifications-live", "connected"); },
    onMessage: function (data) {
      if (data.event === "notifications.changed") {
        showUnread(data.payload.unread_count);
        addRow(data.payload);
        showToast(data.payload);
      }
      document.dispatchEvent(new CustomEvent("homeward:live", { detail: data }));
    },
    onClose: function (event) {
      if (toasts) toasts.setAttribute("data-notifications-live", "closed");
      if (event.code !== 4401 && event.code !== 4403) catchUp(); // while the socket is down, HTTP keeps the count
    },
    stopOn: [4401, 4403], // signed out or not allowed: do not retry
  });
})();
