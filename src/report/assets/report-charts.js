// Draws the charts of a stratalign HTML report from the JSON in #report-data with Chart.js (inlined
// before this script). Every label comes from data and is only ever drawn as canvas text.
(function () {
  'use strict';
  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  var FLAGGED = '#9e9e9e';

  function fmt(v, digits) {
    return v === null || v === undefined ? 'n/a' : Number(v).toFixed(digits);
  }

  // White (0) to dark blue (1); text switches to white on dark cells.
  function heatColour(v) {
    var t = Math.max(0, Math.min(1, v));
    var r = Math.round(247 - t * (247 - 8));
    var g = Math.round(251 - t * (251 - 48));
    var b = Math.round(255 - t * (255 - 107));
    return 'rgb(' + r + ',' + g + ',' + b + ')';
  }

  var cellLabels = {
    id: 'stratalignCellLabels',
    afterDatasetsDraw: function (chart) {
      if (chart.config.options.plugins.stratalignCellLabels !== true) return;
      var ctx = chart.ctx;
      var meta = chart.getDatasetMeta(0);
      var data = chart.data.datasets[0].data;
      ctx.save();
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.font = '12px sans-serif';
      meta.data.forEach(function (point, i) {
        var v = data[i].v;
        ctx.fillStyle = v > 0.55 ? '#ffffff' : '#000000';
        ctx.fillText(fmt(100 * v, 0), point.x, point.y);
      });
      ctx.restore();
    },
  };

  function heatmap(spec) {
    var nx = Math.max(1, spec.games.length);
    var ny = Math.max(1, spec.contexts.length);
    function cellRadius(ctx) {
      var area = ctx.chart.chartArea;
      if (!area) return 10;
      // Chart.js draws a 'rect' point with half-side radius / sqrt(2).
      return Math.max(2, (Math.min(area.width / nx, area.height / ny) / 2 - 2) * Math.SQRT2);
    }
    var points = spec.cells.map(function (c) {
      return { x: c.game, y: c.context, v: c.value, low: c.low, high: c.high };
    });
    return {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: 'cooperation',
            data: points,
            pointStyle: 'rect',
            backgroundColor: points.map(function (p) {
              return heatColour(p.v);
            }),
            borderColor: '#555',
            borderWidth: 1,
            pointRadius: cellRadius,
            pointHoverRadius: cellRadius,
          },
        ],
      },
      options: {
        plugins: {
          legend: { display: false },
          stratalignCellLabels: true,
          title: { display: true, text: wrap(spec.title, 55) },
          tooltip: {
            callbacks: {
              label: function (item) {
                var p = item.raw;
                return (
                  p.y +
                  ' / ' +
                  p.x +
                  ': ' +
                  fmt(100 * p.v, 1) +
                  ' % [' +
                  fmt(100 * p.low, 1) +
                  ', ' +
                  fmt(100 * p.high, 1) +
                  ']'
                );
              },
            },
          },
        },
        scales: {
          x: { type: 'category', labels: spec.games, offset: true, grid: { display: false } },
          y: { type: 'category', labels: spec.contexts, offset: true, reverse: true, grid: { display: false } },
        },
      },
    };
  }

  // White (0) to dark red (1), for distances to the teacher.
  function distanceColour(v) {
    var t = Math.max(0, Math.min(1, v));
    var r = Math.round(255 - t * (255 - 165));
    var g = Math.round(245 - t * 245);
    var b = Math.round(240 - t * (240 - 21));
    return 'rgb(' + r + ',' + g + ',' + b + ')';
  }

  // Payoff regions outline their cells, so the region lines of the payoff plane can be seen.
  var REGION_BORDER = {
    'prisoners-dilemma': '#d62728',
    'stag-hunt': '#2ca02c',
    snowdrift: '#ff7f0e',
    harmony: '#1f77b4',
  };
  var REGION_LEGEND = ' (outline: red PD, green Stag Hunt, orange Snowdrift, blue Harmony, grey boundary)';

  function gridTooltip(spec) {
    var xName = spec.xLabel.split(':')[0];
    var yName = spec.yLabel.split(':')[0];
    return function (item) {
      var p = item.raw;
      var low = p.low === null ? null : 100 * p.low;
      var high = p.high === null ? null : 100 * p.high;
      var where = xName + '=' + p.x + (yName ? ', ' + yName + '=' + p.y : '') + ' (' + p.region + ')';
      var interval = ' % [' + fmt(low, 1) + ', ' + fmt(high, 1) + '], ';
      return where + ': ' + fmt(100 * p.v, 1) + interval + p.answers + ' answers';
    };
  }

  function gridmap(spec) {
    var nx = Math.max(1, spec.xs.length);
    var ny = Math.max(1, spec.ys.length);
    function cellRadius(ctx) {
      var area = ctx.chart.chartArea;
      if (!area) return 10;
      return Math.max(2, (Math.min(area.width / nx, area.height / ny) / 2 - 2) * Math.SQRT2);
    }
    var colour = spec.measure === 'distance' ? distanceColour : heatColour;
    var points = spec.cells.map(function (c) {
      return { x: c.x, y: c.y, v: c.value, low: c.low, high: c.high, answers: c.answers, region: c.region };
    });
    var dataset = {
      label: spec.measure,
      data: points,
      pointStyle: 'rect',
      backgroundColor: points.map(function (p) {
        return colour(p.v);
      }),
      borderColor: points.map(function (p) {
        return REGION_BORDER[p.region] || '#555';
      }),
      borderWidth: 2,
      pointRadius: cellRadius,
      pointHoverRadius: cellRadius,
    };
    var axis = function (labels, title) {
      var heading = { display: title !== '', text: title };
      return { type: 'category', labels: labels, offset: true, grid: { display: false }, title: heading };
    };
    return {
      type: 'scatter',
      data: { datasets: [dataset] },
      options: {
        plugins: {
          legend: { display: false },
          stratalignCellLabels: true,
          title: { display: true, text: wrap(spec.title + REGION_LEGEND, 60) },
          tooltip: { callbacks: { label: gridTooltip(spec) } },
        },
        scales: { x: axis(spec.xs, spec.xLabel), y: axis(spec.ys.slice().reverse(), spec.yLabel) },
      },
    };
  }

  function improvement(spec) {
    var datasets = spec.series.map(function (s, i) {
      var colour = PALETTE[i % PALETTE.length];
      return {
        label: s.label,
        data: s.values,
        backgroundColor: spec.flagged.map(function (f) {
          return f ? FLAGGED : colour;
        }),
        borderColor: colour,
        borderWidth: spec.flagged.map(function (f) {
          return f ? 3 : 1;
        }),
      };
    });
    var labels = spec.scenarios.map(function (s, i) {
      return spec.flagged[i] ? s + ' (n.s.)' : s;
    });
    return {
      type: 'bar',
      data: { labels: labels, datasets: datasets },
      options: {
        plugins: { title: { display: true, text: spec.title } },
        scales: { y: { title: { display: true, text: '%' } } },
      },
    };
  }

  // Draws each bar's point estimate as a dark tick across the interval bar it belongs to.
  var estimateTicks = {
    id: 'stratalignEstimates',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var y = chart.scales.y;
      chart.data.datasets.forEach(function (ds, i) {
        if (!ds.estimates) return;
        chart.getDatasetMeta(i).data.forEach(function (bar, j) {
          var v = ds.estimates[j];
          if (v === null || v === undefined) return;
          var py = y.getPixelForValue(v);
          ctx.save();
          ctx.strokeStyle = ds.borderColor;
          ctx.lineWidth = 3;
          ctx.beginPath();
          ctx.moveTo(bar.x - bar.width / 2, py);
          ctx.lineTo(bar.x + bar.width / 2, py);
          ctx.stroke();
          ctx.restore();
        });
      });
    },
  };

  function intervals(spec) {
    var datasets = spec.series.map(function (s, i) {
      var colour = PALETTE[i % PALETTE.length];
      return {
        label: s.label + ' (tick: estimate, bar: 95 % interval)',
        estimates: s.values,
        data: s.low.map(function (l, j) {
          return l === null ? null : [l, s.high[j]];
        }),
        backgroundColor: colour + '44',
        borderColor: colour,
        borderWidth: 1,
      };
    });
    return {
      type: 'bar',
      data: { labels: spec.categories, datasets: datasets },
      options: {
        plugins: {
          title: { display: true, text: spec.title },
          tooltip: {
            callbacks: {
              label: function (item) {
                var ds = item.dataset;
                var r = item.raw;
                return (
                  ds.label.split(' (')[0] +
                  ': ' +
                  fmt(ds.estimates[item.dataIndex], 3) +
                  ' [' +
                  fmt(r[0], 3) +
                  ', ' +
                  fmt(r[1], 3) +
                  ']'
                );
              },
            },
          },
        },
        scales: { y: { min: 0, title: { display: true, text: spec.axis } } },
      },
    };
  }

  // Long titles wrap into lines so narrow charts do not clip them.
  function wrap(text, width) {
    var lines = [];
    var line = '';
    text.split(' ').forEach(function (word) {
      if (line && (line + ' ' + word).length > width) {
        lines.push(line);
        line = word;
      } else line = line ? line + ' ' + word : word;
    });
    if (line) lines.push(line);
    return lines;
  }

  function draw() {
    var specs = JSON.parse(document.getElementById('report-data').textContent).charts;
    Chart.register(cellLabels, estimateTicks);
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    var builders = { heatmap: heatmap, improvement: improvement, intervals: intervals, gridmap: gridmap };
    specs.forEach(function (spec) {
      new Chart(document.getElementById(spec.id), builders[spec.kind](spec));
    });
    document.body.setAttribute('data-charts', 'ready');
  }

  try {
    draw();
  } catch (err) {
    document.body.setAttribute('data-charts', 'failed');
    var p = document.createElement('p');
    p.className = 'chart-error';
    p.textContent = 'The charts could not be drawn: ' + err;
    document.body.insertBefore(p, document.body.firstChild);
  }
})();
