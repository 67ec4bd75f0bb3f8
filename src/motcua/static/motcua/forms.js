// Progressive enhancements of forms; every form works without them.

// Reload the commune/ward list when the province changes (the form works without it: the server
// fills the list of the province sent and asks for the commune again).
(function () {
  "use strict";
  document.querySelectorAll("select[data-communes-url]").forEach(function (commune) {
    var province = commune.form && commune.form.elements.namedItem(commune.name.replace("commune", "province"));
    if (!province) return;
    province.addEventListener("change", function () {
      var placeholder = commune.options[0] ? commune.options[0].text : "—";
      commune.replaceChildren(new Option(placeholder, ""));
      if (!province.value) return;
      fetch(commune.dataset.communesUrl.replace("{province}", province.value), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (units) {
          units.forEach(function (unit) { commune.add(new Option(unit.name, String(unit.code))); });
        });
    });
  });
})();

// A choice that decides the rest of the page (the procedure at the desk) sends its form at once;
// without the script, the button next to it does.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { if (select.value) select.form.submit(); });
  });
})();
