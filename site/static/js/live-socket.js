// The one websocket reconnect loop of the live pages (notification bell, project funding, conversations):
// reconnect with exponential back-off and jitter (1 s doubling to 30 s), and stop for good on the close codes
// that say retrying cannot help (core.live: 4401 signed out, 4403 not allowed, 4404 nothing to follow).
// Messages arrive as {event, payload}.
(function () {
  "use strict";
  const MIN_DELAY = 1000;
  const MAX_DELAY = 30000;
  const FINAL_CODES = [4401, 4403, 4404];

  // homewardLiveSocket("/ws/projects/7/", {onOpen, onMessage(data), onClose(event), stopOn: [codes]})
  window.homewardLiveSocket = function (path, handlers) {
    if (!("WebSocket" in window)) return;
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
    const stopOn = handlers.stopOn || FINAL_CODES;
    let delay = MIN_DELAY;

    function connect() {
      const socket = new WebSocket(url);
      socket.addEventListener("open", function () {
        delay = MIN_DELAY;
        if (handlers.onOpen) handlers.onOpen();
      });
      socket.addEventListener("message", function (message) {
        let data;
        try { data = JSON.parse(message.data); } catch (error) { return; }
        if (handlers.onMessage) handlers.onMessage(data);
      });
      socket.addEventListener("close", function (event) {
        if (handlers.onClose) handlers.onClose(event);
        if (stopOn.indexOf(event.code) !== -1) return;
        const jitter = Math.random() * 0.3 * delay;
        setTimeout(connect, delay + jitter);
        delay = Math.min(delay * 2, MAX_DELAY);
      });
    }

    connect();
  };
})();
