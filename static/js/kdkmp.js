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
