// shequ dashboard: draws the charts of an indicator page from the data-*
// attributes the server wrote (the CSP forbids inline scripts), and the
// print button of the printable view. The tables carry every number, so the
// page says everything without this script.
(function () {
  "use strict";
  function parse(el, name) {
    try { return JSON.parse(el.getAttribute(name) || "null"); } catch (e) { return null; }
  }
  // fmt groups a number's digits as the tables do: 2,299,396.82.
  function fmt(v) {
    if (v === null || v === undefined || isNaN(v)) { return "—"; }
    return Number(v).toLocaleString("en-US", { maximumFractionDigits: 2 });
  }
  // drawMap colours the children of a division on its map (the GeoJSON the
  // server names in data-map-url) by one indicator; a click opens the
  // child's drill-down.
  function drawMap(el) {
    var points = parse(el, "data-values") || [];
    var unit = el.getAttribute("data-unit") || "";
    var none = el.getAttribute("data-none") || "";
    var href = el.getAttribute("data-href") || "";
    var name = el.getAttribute("data-map-name");
    // From red at 0 to green at the 2025 target (the other way for an
    // indicator that should stay at most its target), so the colour says
    // how far each is from it, even when all are alike.
    var target = parseFloat(el.getAttribute("data-target"));
    var values = points.map(function (p) { return p.value; }).filter(function (v) { return v !== null; });
    var top = Math.max.apply(null, values.concat([isNaN(target) ? 0 : target]));
    var good = ["#b3261e", "#f4c542", "#1e7b34"];
    var min = 0, max = isNaN(target) || target <= 0 ? top : target;
    if (el.getAttribute("data-direction") === "at_most") { good = good.slice().reverse(); min = target; max = Math.max(top, 2 * target); }
    if (!(max > min)) { max = min + 1; }
    window.fetch(el.getAttribute("data-map-url"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (geo) {
        window.echarts.registerMap(name, geo);
        var chart = window.echarts.init(el, null, { renderer: "canvas" });
        chart.setOption({
          animation: false,
          tooltip: { trigger: "item", formatter: function (p) {
            var v = p.data && p.data.value !== null && p.data.value !== undefined ? fmt(p.data.value) + " " + unit : none;
            return p.name + "<br>" + v;
          } },
          visualMap: { type: "continuous", min: min, max: max, calculable: false, orient: "horizontal", left: 8, bottom: 8,
            itemWidth: 12, itemHeight: 120, text: [fmt(max), fmt(min)], inRange: { color: good } },
          series: [{
            type: "map", map: name, roam: false, selectedMode: false, data: points,
            layoutCenter: ["50%", "46%"], layoutSize: "92%",
            label: { show: true, fontSize: 11, color: "#1d2329", textBorderColor: "#fff", textBorderWidth: 2, formatter: function (p) {
              return p.name + "\n" + (p.data && p.data.value !== null && p.data.value !== undefined ? fmt(p.data.value) + (unit.length <= 2 ? unit : "") : "—");
            } },
            itemStyle: { areaColor: "#eef1f4", borderColor: "#fff", borderWidth: 1 },
            emphasis: { label: { show: true }, itemStyle: { areaColor: "#8ab4f8" } }
          }]
        });
        chart.on("click", function (p) {
          if (p.data && p.data.code && href) { window.location.href = href.replace("{code}", p.data.code); }
        });
        el.setAttribute("data-drawn", "1");
        window.addEventListener("resize", function () { chart.resize(); });
        window.addEventListener("beforeprint", function () { chart.resize(); });
      })
      .catch(function () { el.setAttribute("data-drawn", "failed"); });
  }
  function draw(el) {
    if (!window.echarts) { return; }
    var kind = el.getAttribute("data-chart");
    if (kind === "map") { drawMap(el); return; }
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
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : fmt(v) + " " + unit; } },
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
    // A picker submits its form when it changes; its button is for pages without this script.
    var auto = document.querySelectorAll("select[data-autosubmit]");
    for (var k = 0; k < auto.length; k++) {
      auto[k].addEventListener("change", function (ev) { ev.target.form.submit(); });
      var btn = auto[k].form && auto[k].form.querySelector("button[type=submit]");
      if (btn) { btn.hidden = true; }
    }
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
