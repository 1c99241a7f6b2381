/* Search-box autocomplete: the ARIA 1.2 combobox pattern (an input with a listbox popup).
 *
 * Markup: <form data-search-combobox data-autocomplete-url="/api/search/autocomplete/" action="/…/search/">
 *           <label for=ID>…</label><input id=ID type=search name=q>
 *           <ul role=listbox id=ID-listbox hidden></ul><p class=visually-hidden aria-live=polite></p>
 *         </form>
 * Keys: ArrowDown/ArrowUp move through the suggestions (focus stays in the input, aria-activedescendant
 * points at the option), Enter opens the highlighted suggestion (or submits the search), Escape closes
 * the list (a second Escape clears the box). A click on a suggestion opens it.
 */
(function () {
  "use strict";

  function setUp(form) {
    var input = form.querySelector("input[name=q]");
    var listbox = form.querySelector("[role=listbox]");
    var status = form.querySelector("[aria-live]");
    if (!input || !listbox) return;
    var endpoint = form.getAttribute("data-autocomplete-url");
    var searchUrl = form.getAttribute("action") || "";
    var timer = null, active = -1, items = [], sequence = 0;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");

    function target(item) {
      // A township's link is a query ("?township=…"): it belongs to the search page, wherever the box is.
      return item.url && item.url.charAt(0) === "?" ? searchUrl + item.url : item.url;
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = listbox.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var item = items[index];
      if (!item) return;
      input.value = item.title;
      close();
      var url = target(item);
      if (url) window.location.assign(url);
      else form.submit();
    }

    function render(suggestions) {
      items = suggestions;
      listbox.replaceChildren();
      suggestions.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-family", item.family);
        var title = document.createElement("span");
        title.textContent = item.title;
        if (item.lang) { title.setAttribute("lang", item.lang); }
        option.appendChild(title);
        if (item.family_label) {
          var kind = document.createElement("span");
          kind.className = "combobox-kind";
          kind.textContent = " · " + item.family_label;
          option.appendChild(kind);
        }
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(i); });
        listbox.appendChild(option);
      });
      active = -1;
      if (suggestions.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      if (status) status.textContent = form.getAttribute(suggestions.length ? "data-count-text" : "data-none-text")
        .replace("{count}", suggestions.length);
    }

    function fetchSuggestions() {
      var value = input.value.trim();
      var mine = ++sequence;
      if (!value) { render([]); return; }
      // The page's language: the API's address has none, and the browser's may differ from the one chosen here.
      var language = form.getAttribute("data-autocomplete-lang");
      var url = endpoint + "?q=" + encodeURIComponent(value) + (language ? "&lang=" + encodeURIComponent(language) : "");
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === sequence) render(data.suggestions || []); })
        .catch(function () { if (mine === sequence) render([]); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden && items.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { fetchSuggestions(); return; }
        highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
        else { input.value = ""; }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("form[data-search-combobox]").forEach(setUp);
})();
