// Drafts that survive a dropped connection or a closed browser (progressive enhancement: the
// forms work without it). A form marked data-draft="<key>":
// - every change is kept in this browser (localStorage) at once;
// - unless data-draft-local-only, it is also sent to the server 1.5 s after typing stops
//   (header X-Autosave: 1; the page's own URL saves the same form), and the kept copy is
//   dropped once the server has it;
// - on the next visit a kept copy (the server never got it) is put back into the form and sent.
// A normal submit clears the kept copy once the server answers with the next page.
(function () {
  var storage;
  try { storage = window.localStorage; storage.setItem("draft-test", "1"); storage.removeItem("draft-test"); }
  catch (e) { return; }

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = "draft:" + location.pathname + ":" + form.dataset.draft;
    var localOnly = form.dataset.draftLocalOnly === "1";
    var status = form.querySelector(".draft-status");
    var timer = null;

    function say(text) { if (status) { status.textContent = text; } }

    function values() {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit" || el.type === "hidden" ||
            el.type === "file") { return; }  // a chosen photo cannot be kept: it is chosen again
        if (el.type === "checkbox" || el.type === "radio") {
          data[el.name] = data[el.name] || [];
          if (el.checked) { data[el.name].push(el.value); }
        } else {
          data[el.name] = el.value;
        }
      });
      return data;
    }

    function restore(data) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!(el.name in data) || el.type === "hidden" || el.type === "file") { return; }
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = data[el.name].indexOf(el.value) !== -1;
        } else {
          el.value = data[el.name];
        }
      });
    }

    function send() {
      var body = new FormData(form);
      fetch(form.getAttribute("action") || location.href, {
        method: "POST", body: body, credentials: "same-origin", headers: { "X-Autosave": "1" }
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok && answer.saved) {
            storage.removeItem(key);
            say(form.dataset.savedText + " " + answer.at);
          } else {
            say(form.dataset.errorText);
          }
        });
      }).catch(function () {
        say(form.dataset.offlineText);  // kept in this browser; sent on the next change or visit
      });
    }

    function changed() {
      storage.setItem(key, JSON.stringify(values()));
      if (localOnly) { return; }
      say(form.dataset.pendingText);
      clearTimeout(timer);
      timer = setTimeout(send, 1500);
    }

    form.dataset.savedText = form.dataset.savedText || "Tersimpan";
    form.dataset.pendingText = form.dataset.pendingText || "Menyimpan…";
    form.dataset.offlineText = form.dataset.offlineText || "Tidak tersambung: tersimpan di perangkat ini.";
    form.dataset.errorText = form.dataset.errorText || "Belum tersimpan: periksa isian.";

    var kept = storage.getItem(key);
    if (kept) {
      try { restore(JSON.parse(kept)); say(form.dataset.restoredText || "Draf dipulihkan dari perangkat ini."); }
      catch (e) { storage.removeItem(key); }
      if (!localOnly) { timer = setTimeout(send, 300); }
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () { clearTimeout(timer); storage.removeItem(key); });
  });
})();
