// The delivery address form (payments/includes/address_fields.html): the township list shows the chosen county's
// townships only, and the Taiwan or overseas fields follow the destination. Without this script every field shows
// and the server checks the same things.
(function () {
  "use strict";
  document.querySelectorAll("[data-address-form]").forEach(function (form) {
    var county = form.querySelector("[data-county-select]");
    var township = form.querySelector("[data-township-select]");
    function filterTownships() {
      if (!county || !township) return;
      var label = county.value ? county.options[county.selectedIndex].text : "";
      township.querySelectorAll("optgroup").forEach(function (group) {
        var shown = !label || group.label === label;
        group.hidden = !shown;
        group.disabled = !shown;
      });
      var chosen = township.options[township.selectedIndex];
      if (chosen && chosen.parentNode.disabled) township.value = "";
    }
    function followDestination() {
      var checked = form.querySelector("input[name$='destination']:checked");
      var overseas = checked && checked.value === "overseas";
      form.querySelectorAll("[data-taiwan-only]").forEach(function (el) { el.hidden = overseas; });
      form.querySelectorAll("[data-overseas-only]").forEach(function (el) { el.hidden = !overseas; });
    }
    if (county) county.addEventListener("change", filterTownships);
    form.querySelectorAll("input[name$='destination']").forEach(function (radio) {
      radio.addEventListener("change", followDestination);
    });
    if (township && county && !county.value && township.value) {
      var group = township.options[township.selectedIndex].parentNode;
      Array.prototype.forEach.call(county.options, function (option) {
        if (option.text === group.label) county.value = option.value;
      });
    }
    filterTownships();
    if (form.querySelector("input[name$='destination']")) followDestination();
  });
})();
