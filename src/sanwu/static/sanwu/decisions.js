// 四议两公开: while a meeting is being recorded, show which thresholds the typed head counts
// meet (the server checks again; this is only a help). Wired by data attributes (no inline JS).
(function () {
  "use strict";
  function onReady(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  function count(form, key) {
    var el = form.querySelector('[data-count="' + key + '"]');
    if (!el || el.value === "") return null;
    var n = Number(el.value);
    return Number.isInteger(n) && n >= 0 ? n : null;
  }
  function update(form) {
    var typeSelect = form.querySelector("[data-meeting-type]");
    var type = typeSelect ? typeSelect.value : "";
    // What applies to some meeting types only (data-for-type: one or more types, space-separated).
    form.querySelectorAll("[data-for-type]").forEach(function (el) {
      var types = el.getAttribute("data-for-type").split(" ");
      el.classList.toggle("off", types.indexOf(type) < 0);
    });
    form.querySelectorAll('[data-check="share"]').forEach(function (li) {
      var part = count(form, li.getAttribute("data-part"));
      var whole = count(form, li.getAttribute("data-whole"));
      li.classList.remove("ok", "bad");
      if (part === null || whole === null || whole === 0) return;
      var num = Number(li.getAttribute("data-num")), den = Number(li.getAttribute("data-den"));
      var strict = li.getAttribute("data-strict") === "1";
      var met = strict ? part * den > whole * num : part * den >= whole * num;
      li.classList.add(met ? "ok" : "bad");
    });
  }
  onReady(function () {
    document.querySelectorAll("form.stage-form").forEach(function (form) {
      form.addEventListener("input", function () { update(form); });
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
  });
})();
