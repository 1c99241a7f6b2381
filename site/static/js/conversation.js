// A conversation page: messages are SENT over HTTP POST (they work with the socket down and are stored once per
// client id); the socket at /ws/conversations/<id>/ only DELIVERS; after a reconnect the page fetches what it missed.
(function () {
  "use strict";
  const list = document.querySelector("[data-conversation]");
  if (!list) return;
  const form = document.querySelector("[data-send-form]");
  const errorBox = document.querySelector("[data-send-error]");
  const readStatus = document.querySelector("[data-read-status]");
  const conversationId = list.getAttribute("data-conversation");
  const messagesUrl = list.getAttribute("data-messages-url");
  const readUrl = list.getAttribute("data-read-url");
  const userId = Number(list.getAttribute("data-user-id"));
  const csrf = form ? form.querySelector("[name=csrfmiddlewaretoken]").value : "";
  const CATCH_UP_PAGE = 200; // conversations.views.messages_json answers at most this many at a time
  // A message that arrives live shows its time as the server writes it (SHORT_DATETIME_FORMAT of the page's
  // language, config/formats/en for English, in the site's time zone), not in the browser's language and zone.
  const TIME_FORMATS = {
    "zh-Hant-TW": ["zh-Hant-TW", { year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" }],
    ja: ["ja", { year: "numeric", month: "2-digit", day: "2-digit", hour: "numeric", minute: "2-digit" }],
    en: ["en-GB", { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }],
  };
  const timeFormat = (function () {
    const [locale, options] = TIME_FORMATS[document.documentElement.lang] || TIME_FORMATS["zh-Hant-TW"];
    const zone = list.getAttribute("data-time-zone");
    return new Intl.DateTimeFormat(locale, Object.assign({ hourCycle: "h23" }, options, zone ? { timeZone: zone } : {}));
  })();

  function lastId() {
    let last = 0;
    list.querySelectorAll("[data-message-id]").forEach(function (item) {
      last = Math.max(last, Number(item.getAttribute("data-message-id")));
    });
    return last;
  }

  function newClientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  // `message.html` comes from the server, escaped and then linkified (conversations.rendering.render_text).
  function show(message) {
    if (String(message.conversation_id) !== conversationId) return;
    if (list.querySelector('[data-message-id="' + message.id + '"]')) return; // already shown
    const empty = list.querySelector("[data-empty]");
    if (empty) empty.remove();
    const item = document.createElement("li");
    item.className = "message-item";
    item.setAttribute("data-message-id", message.id);
    const meta = document.createElement("p");
    meta.className = "meta";
    const author = document.createElement("strong");
    author.textContent = message.author_name;
    const time = document.createElement("time");
    time.setAttribute("datetime", message.created);
    time.textContent = timeFormat.format(new Date(message.created));
    meta.append(author, " · ", time);
    const text = document.createElement("div");
    text.className = "message-text";
    text.innerHTML = message.html;
    item.append(meta, text);
    // Keep the list in id order even when a catch-up and a live message cross.
    const later = Array.from(list.querySelectorAll("[data-message-id]")).find(function (other) {
      return Number(other.getAttribute("data-message-id")) > message.id;
    });
    list.insertBefore(item, later || null);
    if (message.author_id !== userId) markRead();
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
      body: data,
    });
  }

  let readTimer = null;
  function markRead() {
    if (document.visibilityState === "hidden") return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      const data = new FormData();
      data.append("up_to", String(lastId()));
      post(readUrl, data).catch(function () {});
    }, 300);
  }

  function catchUp() {
    fetch(messagesUrl + "?after=" + lastId(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        data.messages.forEach(show);
        if (data.messages.length >= CATCH_UP_PAGE) catchUp(); // more were missed than one answer holds
      })
      .catch(function () {});
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const data = new FormData(form);
      const textarea = form.querySelector("textarea");
      if (!textarea.value.trim()) {
        // Only spaces: say so, as the server would, rather than do nothing.
        errorBox.textContent = form.getAttribute("data-empty-message");
        errorBox.hidden = false;
        textarea.focus();
        return;
      }
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      errorBox.hidden = true;
      post(form.action, data)
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (result) {
          if (result.ok) {
            show(result.body.message);
            textarea.value = "";
            form.querySelector("[name=client_id]").value = newClientId(); // the next message gets a new id
          } else {
            // Keep the text and the id: sending again after a failure stores the message once.
            errorBox.textContent = result.body.error || Object.values(result.body.errors || {}).map(function (errors) {
              return errors.map(function (e) { return e.message; }).join(" ");
            }).join(" ");
            errorBox.hidden = false;
          }
        })
        .catch(function () {
          errorBox.textContent = form.getAttribute("data-offline-message") || "Not sent: check your connection and send again.";
          errorBox.hidden = false;
        })
        .finally(function () { button.disabled = false; textarea.focus(); });
    });
  }

  function connect() {
    if (!window.homewardLiveSocket) return;
    window.homewardLiveSocket("/ws/conversations/" + conversationId + "/", {
      onOpen: function () {
        list.setAttribute("data-live", "connected");
        catchUp();
      },
      onMessage: function (data) {
        if (data.event === "conversation.message") show(data.payload);
        if (data.event === "conversation.read" && data.payload.user_id !== userId && readStatus) {
          readStatus.textContent = readStatus.getAttribute("data-template-read").replace("{name}", data.payload.user_name);
        }
      },
      onClose: function () { list.setAttribute("data-live", "disconnected"); },
      stopOn: [4401, 4403], // signed out or no longer a participant
    });
  }

  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") markRead(); });
  connect();
})();
