// The public village page: only the large-font switch (remembered on this phone). No inline scripts (CSP).
(function () {
  "use strict";
  var key = "sanwu-large";
  var root = document.documentElement;
  function stored() { try { return window.localStorage && localStorage.getItem(key) === "1"; } catch (e) { return false; } }
  function store(on) { try { if (window.localStorage) localStorage.setItem(key, on ? "1" : "0"); } catch (e) { /* private mode */ } }
  if (stored()) root.classList.add("large");
  function wire() {
    document.querySelectorAll("[data-toggle-large]").forEach(function (btn) {
      btn.setAttribute("aria-pressed", root.classList.contains("large") ? "true" : "false");
      btn.addEventListener("click", function () {
        var on = root.classList.toggle("large");
        btn.setAttribute("aria-pressed", on ? "true" : "false");
        store(on);
      });
    });
  }
  if (document.readyState !== "loading") wire(); else document.addEventListener("DOMContentLoaded", wire);
})();
