// The voucher import page: show upload progress while htmx sends the file (no inline script).
(function () {
  "use strict";
  function onReady(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  onReady(function () {
    var form = document.getElementById("import-form");
    var busy = document.getElementById("import-busy");
    var bar = document.getElementById("import-progress");
    var text = document.getElementById("import-progress-text");
    if (!form || !busy || !bar || !text) return;
    form.addEventListener("htmx:beforeRequest", function () {
      busy.hidden = false;
      bar.removeAttribute("value");
      text.textContent = "正在上传…";
    });
    form.addEventListener("htmx:xhr:progress", function (ev) {
      var d = ev.detail;
      if (!d || !d.lengthComputable || !d.total) return;
      var pct = Math.round((d.loaded / d.total) * 100);
      bar.value = pct;
      text.textContent = pct < 100 ? "正在上传… " + pct + "%" : "上传完成，正在校验并写入账套…";
      if (pct >= 100) bar.removeAttribute("value");
    });
    form.addEventListener("htmx:afterRequest", function (ev) {
      busy.hidden = true;
      if (ev.detail && ev.detail.successful && !document.querySelector("#import-result .problems")) form.reset();
    });
  });
})();
