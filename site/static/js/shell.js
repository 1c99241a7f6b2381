// Behaviours of the site shell (base.html and its components), each optional: the page works without them.
// - Disclosure buttons ([data-disclosure]) show and hide their panel: the header menu and the search filters
//   on small screens (without this script both stay open).
// - The account menu (a <details>) closes on Escape or a click elsewhere, as a menu is expected to.
// - "Copy link" buttons (components/share_links.html) appear where the browser can copy.
// - "Print" buttons ([data-print]) print the page.
// - A form's error summary (components/error_summary.html) takes the focus, so it is read first.
(function () {
  // Buttons that show and hide a panel (aria-controls): the header menu, the search filters on phones.
  // Escape, pressed inside an open one, closes it and gives the focus back to its button.
  var toggles = Array.prototype.slice.call(document.querySelectorAll("[data-disclosure]"));
  function setOpen(button, open) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    button.setAttribute("aria-expanded", String(open));
    panel.classList.toggle("is-open", open);
  }
  toggles.forEach(function (button) {
    button.addEventListener("click", function () {
      setOpen(button, button.getAttribute("aria-expanded") !== "true");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    toggles.forEach(function (button) {
      var panel = document.getElementById(button.getAttribute("aria-controls"));
      var inside = document.activeElement === button || (panel && panel.contains(document.activeElement));
      if (button.getAttribute("aria-expanded") === "true" && inside) {
        setOpen(button, false);
        button.focus();
      }
    });
  });

  var account = document.querySelector("[data-account-menu]");
  if (account) {
    document.addEventListener("click", function (event) {
      if (account.open && !account.contains(event.target)) account.open = false;
    });
    account.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && account.open) {
        account.open = false;
        account.querySelector("summary").focus();
      }
    });
  }

  if (navigator.clipboard) {
    document.querySelectorAll("[data-copy-link]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy-link")).then(function () {
          button.querySelector("span").textContent = button.getAttribute("data-copied-text");
        });
      });
    });
  }

  // "Print" buttons ([data-print], receipts and impact reports): hidden without this script, which they need.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });

  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
