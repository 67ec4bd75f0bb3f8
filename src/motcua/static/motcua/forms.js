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

// Uploads show their progress: a form with files and a <progress> is sent by XMLHttpRequest, which
// reports how much has gone; the server answers with where to go next, as it would redirect.
// Without the script, the browser sends the form as usual.
(function () {
  "use strict";
  document.querySelectorAll("form[enctype='multipart/form-data']").forEach(function (form) {
    var bar = form.querySelector("progress.upload-progress");
    if (!bar || !window.XMLHttpRequest || !window.FormData) return;
    form.addEventListener("submit", function (event) {
      var hasFiles = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
        return input.files && input.files.length > 0;
      });
      if (!hasFiles) return;
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.setRequestHeader("X-Upload-Progress", "1");  // the server answers {"location": ...}
      request.responseType = "json";
      bar.hidden = false;
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
      });
      request.addEventListener("load", function () {
        var next = request.response && request.response.location;
        window.location.assign(next || window.location.href);
      });
      request.addEventListener("error", function () { bar.hidden = true; form.submit(); });
      request.send(data);
    });
  });
})();
