// shequ dashboard: draws the charts of an indicator page from the data-*
// attributes the server wrote (the CSP forbids inline scripts), and the
// print button of the printable view. The tables carry every number, so the
// page says everything without this script.
(function () {
  "use strict";
  function parse(el, name) {
    try { return JSON.parse(el.getAttribute(name) || "null"); } catch (e) { return null; }
  }
  function draw(el) {
    if (!window.echarts) { return; }
    var kind = el.getAttribute("data-chart");
    var labels = parse(el, "data-labels") || [];
    var values = parse(el, "data-values") || [];
    var target = parseFloat(el.getAttribute("data-target"));
    var unit = el.getAttribute("data-unit") || "";
    var targetLabel = el.getAttribute("data-target-label") || "";
    var series = {
      type: kind === "line" ? "line" : "bar",
      data: values,
      name: el.getAttribute("aria-label") || "",
      itemStyle: { color: "#1f6feb" },
      connectNulls: true
    };
    if (!isNaN(target)) {
      series.markLine = {
        symbol: "none",
        lineStyle: { color: "#b42318", type: "dashed" },
        label: { formatter: targetLabel + " " + target, position: "insideEndTop" },
        data: [{ yAxis: target }]
      };
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 24, top: 28, bottom: kind === "bar" && labels.length > 6 ? 96 : 40 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + " " + unit; } },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: kind === "bar" && labels.length > 6 ? 40 : 0 } },
      yAxis: { type: "value", name: unit },
      series: [series]
    });
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }
  function start() {
    var charts = document.querySelectorAll(".chart[data-chart]");
    for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
    var p = document.querySelectorAll("[data-print]");
    for (var j = 0; j < p.length; j++) {
      p[j].addEventListener("click", function () { window.print(); });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
