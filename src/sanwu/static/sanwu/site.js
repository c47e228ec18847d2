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
    // Main menu (<details data-nav-menu> holding <details data-nav-group> dropdowns): kept open on a wide
    // screen, where the groups stand in a row; one group open at a time; Escape or a click elsewhere closes.
    var menu = document.querySelector("details[data-nav-menu]");
    if (menu) {
      var groups = Array.prototype.slice.call(menu.querySelectorAll("details[data-nav-group]"));
      var wide = window.matchMedia("(min-width: 900px)");
      var closeGroups = function (except) {
        groups.forEach(function (g) { if (g !== except) g.open = false; });
      };
      var fit = function () {
        menu.open = wide.matches;
        closeGroups(null);
      };
      fit();
      if (wide.addEventListener) wide.addEventListener("change", fit); else wide.addListener(fit);
      groups.forEach(function (g) {
        g.addEventListener("toggle", function () { if (g.open) closeGroups(g); });
      });
      document.addEventListener("click", function (ev) {
        if (menu.contains(ev.target)) return;
        closeGroups(null);
        if (!wide.matches) menu.open = false;
      });
      document.addEventListener("keydown", function (ev) {
        if (ev.key !== "Escape" || !menu.contains(document.activeElement)) return;
        var open = groups.filter(function (g) { return g.open; })[0];
        if (open) { open.open = false; open.querySelector("summary").focus(); }
        else if (!wide.matches && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
      });
    }
    // <section data-download-status="URL">: a file made in the background (core.downloads). The page
    // asks its status every second and shows the link when the file is ready; without scripts the
    // page's own 刷新 link does the same.
    document.querySelectorAll("[data-download-status]").forEach(function (box) {
      var part = function (name) { return box.querySelector("[data-download-" + name + "]"); };
      var poll = function () {
        fetch(box.getAttribute("data-download-status"), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (s) {
            if (!s) return;
            part("label").textContent = s.label + (s.status === "running" && s.total ? "（" + s.done + " / " + s.total + "）" : "");
            part("progress").value = s.percent;
            part("progress").hidden = s.status === "failed";
            part("error").textContent = s.error;
            part("error").hidden = !s.error;
            if (s.url) { part("link").href = s.url; part("ready").hidden = false; }
            part("wait").hidden = s.status === "ready" || s.status === "failed";
            if (s.status === "queued" || s.status === "running") window.setTimeout(poll, 1000);
          })
          .catch(function () { window.setTimeout(poll, 3000); });
      };
      if (part("wait").hidden === false) window.setTimeout(poll, 500);
    });
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
  // Lists that become cards on a phone (<table class="stack">): each cell carries its column's name.
  function labelCells(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("table.stack").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (td) {
          if (!td.hasAttribute("data-label")) td.setAttribute("data-label", td.colSpan > 1 ? "" : (heads[col] || ""));
          col += td.colSpan || 1;
        });
      });
    });
  }
  onReady(function () { labelCells(document); });
  document.addEventListener("htmx:load", function () { labelCells(document); });
  // htmx requests carry the CSRF token from the cookie-less form field on the page.
  document.addEventListener("htmx:configRequest", function (ev) {
    var t = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (t) ev.detail.headers["X-CSRFToken"] = t.value;
  });
})();
