// Sanwu's page behaviour. No inline scripts anywhere (Content-Security-Policy): wire by attributes.
(function () {
  "use strict";
  function onReady(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  onReady(function () {
    // <select data-autosubmit> submits its form on change (a <noscript> button covers no-JS).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // <form data-confirm="…"> asks before anything irreversible (delegated, so forms that htmx
    // brings in later are covered too).
    document.addEventListener("submit", function (ev) {
      var form = ev.target;
      if (form && form.matches && form.matches("form[data-confirm]")) {
        if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
      }
    }, true);
    // Large-font switch for older readers, remembered on this device.
    var key = "sanwu-large";
    if (window.localStorage && localStorage.getItem(key) === "1") document.documentElement.classList.add("large");
    document.querySelectorAll("[data-toggle-large]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var on = document.documentElement.classList.toggle("large");
        if (window.localStorage) localStorage.setItem(key, on ? "1" : "0");
      });
    });
  });
  // htmx requests carry the CSRF token from the cookie-less form field on the page.
  document.addEventListener("htmx:configRequest", function (ev) {
    var t = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (t) ev.detail.headers["X-CSRFToken"] = t.value;
  });
})();
