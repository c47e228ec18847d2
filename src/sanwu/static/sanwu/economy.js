// Charts of the collective-economy pages. Each <div class="eco-chart" data-chart="ID"> is drawn
// from the JSON in <script type="application/json" id="ID"> (Django's json_script), in the
// small shape economy/views/graphs.py writes: {kind: bar|line|pie, categories, series, unit, horizontal}.
// No inline scripts (Content-Security-Policy): everything is wired here.
(function () {
  "use strict";
  var PALETTE = ["#3b82c4", "#b42318", "#1a7f37", "#e0a100", "#7c3aed", "#0f766e", "#d4652f", "#64748b"];

  function onReady(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  function readData(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function num(v) { return v === null || v === undefined ? null : Number(v); }

  function unitFormatter(unit) {
    return function (v) { return v === null || v === undefined ? "—" : v + (unit === "%" ? "%" : " " + (unit || "")); };
  }

  function optionFor(d, narrow) {
    var unit = d.unit || "";
    if (d.kind === "pie") {
      return {
        color: d.data.map(function (x, i) { return x.color || PALETTE[i % PALETTE.length]; }),
        tooltip: { trigger: "item", formatter: "{b}：{c} 个（{d}%）" },
        legend: { bottom: 0, data: d.data.map(function (x) { return x.name; }) },
        series: [{
          type: "pie", radius: narrow ? ["30%", "58%"] : ["35%", "62%"], center: ["50%", "44%"],
          label: { formatter: "{b}\n{c}" },
          // empty classes stay in the legend but draw no slice (no crowded zero labels)
          data: d.data.filter(function (x) { return x.value > 0; }).map(function (x) {
            return { name: x.name, value: x.value, itemStyle: { color: x.color } };
          })
        }]
      };
    }
    var horizontal = !!d.horizontal;
    var catAxis = { type: "category", data: d.categories, axisLabel: { interval: 0, hideOverlap: true } };
    if (horizontal) catAxis.inverse = true;
    if (!horizontal && d.categories.length > 6 && narrow) catAxis.axisLabel.rotate = 35;
    // The unit names the value axis where it is never cut off: below a horizontal chart's axis,
    // above a vertical one's, starting at the axis (not centred on it, past the chart's edge).
    var valAxis = { type: "value", name: unit, minInterval: unit === "个" ? 1 : 0 };
    if (horizontal) { valAxis.nameLocation = "middle"; valAxis.nameGap = 26; }
    else { valAxis.nameTextStyle = { align: "left" }; }
    var series = d.series.map(function (s, i) {
      var out = {
        name: s.name, type: d.kind === "line" ? "line" : "bar",
        data: s.data.map(num), itemStyle: { color: s.color || PALETTE[i % PALETTE.length] },
        emphasis: { focus: "series" }
      };
      if (s.stack) out.stack = s.stack;
      if (d.kind === "line") { out.symbolSize = 7; out.connectNulls = true; out.lineStyle = { color: s.color || PALETTE[i % PALETTE.length] }; }
      if (d.kind === "bar" && !s.stack && d.series.length === 1) out.label = { show: true, position: horizontal ? "right" : "top" };
      return out;
    });
    var height = horizontal ? Math.max(260, d.categories.length * 26 + 80) : null;
    return {
      _height: height,
      tooltip: { trigger: "axis", valueFormatter: unitFormatter(unit) },
      legend: d.series.length > 1 ? { top: 0, type: "scroll" } : undefined,
      grid: { left: 8, right: 24, top: d.series.length > 1 ? 60 : 32, bottom: horizontal ? 30 : 8, containLabel: true },
      xAxis: horizontal ? valAxis : catAxis,
      yAxis: horizontal ? catAxis : valAxis,
      series: series
    };
  }

  onReady(function () {
    if (!window.echarts) return;
    var charts = [];
    document.querySelectorAll(".eco-chart[data-chart]").forEach(function (el) {
      var d = readData(el.getAttribute("data-chart"));
      if (!d) return;
      var narrow = window.innerWidth < 640;
      var opt = optionFor(d, narrow);
      if (opt._height) el.style.height = opt._height + "px";
      delete opt._height;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(opt);
      el.setAttribute("data-ready", "1");
      charts.push(chart);
    });
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
    });
  });
})();
