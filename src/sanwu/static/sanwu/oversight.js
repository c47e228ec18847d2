// Oversight pages: charts on the dashboard (ECharts, data from json_script) and the live feed's
// freshly arrived rows. No inline scripts (Content-Security-Policy): everything is wired here.
(function () {
  "use strict";
  function onReady(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  var SEVERITY_COLORS = { high: "#c0392b", medium: "#e67e22", low: "#7f8c8d" };
  var STATUS_COLORS = ["#c0392b", "#2980b9", "#27ae60", "#8e44ad"];

  function base() {
    // richText tooltips are drawn on the canvas: no inline style attributes (CSP).
    return { animation: false, tooltip: { renderMode: "richText" }, grid: { left: 40, right: 16, top: 36, bottom: 40, containLabel: true } };
  }

  function options(kind, data) {
    var o = base();
    if (kind === "trend") {
      var t = data.trend;
      o.tooltip.trigger = "axis";
      o.legend = { top: 0 };
      o.xAxis = { type: "category", data: t.months };
      o.yAxis = { type: "value", minInterval: 1 };
      o.series = ["high", "medium", "low"].map(function (sev) {
        return { name: data.severity_labels[sev], type: "bar", stack: "all", data: t.series[sev], itemStyle: { color: SEVERITY_COLORS[sev] } };
      });
      return o;
    }
    if (kind === "statuses") {
      o.tooltip.trigger = "item";
      o.legend = { bottom: 0 };
      o.color = STATUS_COLORS;
      // Names carry their counts (the legend shows them); no slice labels to be cut off.
      o.series = [{
        type: "pie", radius: ["38%", "68%"], center: ["50%", "45%"], label: { show: false },
        data: data.statuses.map(function (s) { return { name: s.name + " " + s.value, value: s.value }; })
      }];
      return o;
    }
    if (kind === "rules") {
      o.tooltip.trigger = "axis";
      o.xAxis = { type: "value", minInterval: 1 };
      o.yAxis = { type: "category", data: data.rules.map(function (r) { return r.name; }).reverse() };
      o.series = [{ type: "bar", data: data.rules.map(function (r) { return r.value; }).reverse(), itemStyle: { color: "#c0392b" } }];
      return o;
    }
    if (kind === "children") {
      // One bar a township (or village), its name beside it: every name shown, none rotated or
      // dropped, the chart as tall as its rows need and as wide as the page.
      o.tooltip.trigger = "axis";
      o.legend = { top: 0 };
      o.grid = { left: 8, right: 24, top: 36, bottom: 30, containLabel: true };
      o.yAxis = { type: "category", inverse: true, data: data.children.map(function (c) { return c.name; }), axisLabel: { interval: 0 } };
      o.xAxis = { type: "value", minInterval: 1, name: "条", nameLocation: "middle", nameGap: 26 };
      var names = { open: "待说明", explained: "已说明", escalated: "已上报", accepted: "已认可" };
      o.color = STATUS_COLORS;
      o.series = ["open", "explained", "accepted", "escalated"].map(function (k) {
        return { name: names[k], type: "bar", stack: "all", barMaxWidth: 28, data: data.children.map(function (c) { return c[k]; }) };
      });
      return o;
    }
    return null;
  }

  function charts() {
    var src = document.getElementById("oversight-chart");
    if (!src || !window.echarts) return;
    var data = JSON.parse(src.textContent);
    var made = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-chart");
      var o = options(kind, data);
      if (!o) return;
      if (kind === "children") el.style.height = Math.max(280, data.children.length * 28 + 90) + "px";
      var c = window.echarts.init(el, null, { renderer: "canvas" });
      c.setOption(o);
      made.push(c);
    });
    window.addEventListener("resize", function () { made.forEach(function (c) { c.resize(); }); });
  }

  // The live feed: rows that were not there before the last update are marked as new.
  function feed() {
    var box = document.querySelector("[data-live]");
    if (!box) return;
    var seen = {};
    function mark(first) {
      box.querySelectorAll("tr[data-voucher]").forEach(function (tr) {
        var id = tr.getAttribute("data-voucher");
        if (!first && !seen[id]) tr.classList.add("fresh");
        seen[id] = true;
      });
    }
    mark(true);
    document.body.addEventListener("htmx:afterSwap", function (ev) { if (ev.detail.target === box) mark(false); });
    // Each answered poll (200 with new rows, or 204: nothing changed) updates "last checked".
    var checked = document.querySelector("[data-feed-checked]");
    document.body.addEventListener("htmx:afterRequest", function (ev) {
      if (ev.detail.elt !== box || !checked || !ev.detail.successful) return;
      var now = new Date();
      checked.textContent = [now.getHours(), now.getMinutes(), now.getSeconds()].map(function (n) { return (n < 10 ? "0" : "") + n; }).join(":");
    });
  }

  onReady(function () { charts(); feed(); });
})();
