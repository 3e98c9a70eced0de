// Progressive enhancement only: every page works without JavaScript.
// Filter forms: a select marked data-autosubmit re-submits the form, so the district choices
// follow the chosen regency; changing the regency clears the district.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () {
    var form = select.form;
    if (select.name === "regency" && form.elements.district) {
      form.elements.district.value = "";
    }
    form.submit();
  });
});

// A button marked data-print prints the page (no inline handlers: the CSP allows none).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

// A long sheet's filter (data-row-filter="<table id>"): hides the rows that do not match the
// text, the role and the regency. Hidden rows stay in the form, so saving still sends them.
document.querySelectorAll("[data-row-filter]").forEach(function (box) {
  var rows = document.getElementById(box.dataset.rowFilter).tBodies[0].rows;
  var text = box.querySelector("[name=q]");
  var role = box.querySelector("[name=role]");
  var regency = box.querySelector("[name=regency]");
  var count = box.querySelector("[data-row-count]");
  function apply() {
    var words = text.value.trim().toLowerCase();
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var match = (!words || row.dataset.search.indexOf(words) !== -1) &&
        (!role.value || row.dataset.role === role.value) &&
        (!regency.value || row.dataset.regency === regency.value);
      row.hidden = !match;
      if (match) { shown++; }
    }
    count.textContent = shown;
  }
  text.addEventListener("input", apply);
  role.addEventListener("change", apply);
  regency.addEventListener("change", apply);
  box.hidden = false;
});

// A running background job (data-job-progress="<progress url>"): poll every 1.5 s, advance the
// bar and its text, and reload the page once the job is no longer running (the page then shows
// the preview, the result or the failure). No inline script: the CSP allows none.
document.querySelectorAll("[data-job-progress]").forEach(function (box) {
  var bar = box.querySelector("[data-job-bar]");
  var text = box.querySelector("[data-job-text]");
  var failures = 0;
  function poll() {
    fetch(box.dataset.jobProgress, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        bar.value = state.percent;
        bar.textContent = state.percent + "%";
        text.textContent = state.text;
        box.dataset.jobStatus = state.status;
        if (state.active) { window.setTimeout(poll, 1500); } else { window.location.reload(); }
      })
      .catch(function () {
        failures += 1;  // a slow link or a restarting server: keep trying, more slowly
        window.setTimeout(poll, Math.min(15000, 1500 * (failures + 1)));
      });
  }
  window.setTimeout(poll, 1000);
});
