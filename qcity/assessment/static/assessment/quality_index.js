// Quality index trend: total and the four sub-indices of one unit over the years (data from json_script).
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("chart-index-trend");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(document.getElementById("quality-index-data").textContent);
  var chart = echarts.init(el);
  chart.setOption({
    textStyle: {fontFamily: "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"},
    animation: false, tooltip: {trigger: "axis", renderMode: "richText"},  // drawn on the canvas: no inline style (CSP)
    legend: {top: 0}, grid: {left: 40, right: 20, top: 50, bottom: 30},
    xAxis: {type: "category", data: data.years},
    yAxis: {type: "value", max: 100, scale: true},
    series: data.series.map(function (s) {
      return {name: s.name, type: "line", data: s.values, connectNulls: true,
              lineStyle: {width: s.key === "total" ? 3 : 1.5}};
    })
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", function () { chart.resize(); });
});
