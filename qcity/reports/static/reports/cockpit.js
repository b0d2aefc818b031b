// Cockpit charts: the figures come from the page's json_script (the same dict as /api/cockpit/).
document.addEventListener("DOMContentLoaded", function () {
  var data = JSON.parse(document.getElementById("cockpit-data").textContent);
  var font = {fontFamily: "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"};
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return; }
    var c = echarts.init(el);
    option.textStyle = font;
    // The default HTML tooltip writes style attributes, which the Content-Security-Policy blocks; rich text is
    // drawn on the canvas.
    option.tooltip = Object.assign({renderMode: "richText"}, option.tooltip);
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
  chart("chart-domains", {
    tooltip: {trigger: "axis"}, grid: {left: 10, right: 55, top: 10, bottom: 30, containLabel: true},  // labels take what they need: English domain names are longer
    xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", inverse: true, data: data.domains.map(function (d) { return d.label; })},
    series: [{type: "bar", data: data.domains.map(function (d) { return d.attainment; }), itemStyle: {color: "#b3261e"},
              label: {show: true, position: "right", formatter: "{c}%"}}]
  });
  chart("chart-trend", {
    tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 20, top: 40, bottom: 30},
    xAxis: {type: "category", data: data.trend.years},
    yAxis: {type: "value", scale: true},
    series: data.trend.series.map(function (s) {
      return {name: s.name, type: "line", data: s.values, connectNulls: true,
              lineStyle: {width: s.key === "total" ? 3 : 1.5}};
    })
  });
  var ranking = document.getElementById("chart-ranking");
  if (ranking) {  // ten pixels per district plus the axes (CSSOM, which the CSP allows, not a style attribute)
    ranking.style.height = Math.max(300, (Number(ranking.dataset.rows || 0) + 2) * 10) + "px";
  }
  chart("chart-ranking", {
    tooltip: {trigger: "axis"}, grid: {left: 150, right: 50, top: 10, bottom: 30},
    xAxis: {type: "value", scale: true, axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", inverse: true, data: data.ranking.map(function (r) { return r.name; })},
    series: [{type: "bar", label: {show: true, position: "right", formatter: "{c}%"},
              data: data.ranking.map(function (r) {
                return {value: r.attainment, itemStyle: {color: r.highlight ? "#d08a00" : "#2f6fb3"}};
              })}]
  });
});
