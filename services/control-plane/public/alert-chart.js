// Draws the alert page's chart with uPlot. The server sends the chart as a fragment holding a
// JSON data block (`<script type="application/json">`, never executed) next to an empty
// container; this module draws every such chart not drawn yet: once when it loads (the fragment
// may already be there) and after each htmx swap. No inline code, no eval: the strict CSP holds.
import uPlot from '/assets/uplot.js';

const colours = ['#0369a1', '#b91c1c', '#15803d', '#a16207', '#7e22ce', '#0f766e', '#c2410c', '#4338ca', '#be185d', '#4d7c0f'];
const height = 260;

function drawCharts() {
  for (const chart of document.querySelectorAll('[data-alert-chart]:not([data-drawn])')) {
    const container = chart.querySelector('[data-alert-chart-canvas]');
    const source = chart.querySelector('script[type="application/json"]');
    if (!container || !source) continue;
    chart.setAttribute('data-drawn', '');
    draw(container, JSON.parse(source.textContent));
  }
}

function draw(container, data) {
  const options = {
    width: Math.max(container.clientWidth, 300),
    height,
    scales: { x: { time: true, range: () => [data.window.start, data.window.end] } },
    // The rest of the page gives times in UTC; so does the axis.
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    series: [
      {},
      ...data.series.map((series, index) => ({ label: series.name, stroke: colours[index % colours.length], width: 1.5 })),
    ],
    hooks: { draw: [(plot) => drawMarkers(plot, data.markers)] },
  };
  const plot = new uPlot(options, [data.timestamps, ...data.series.map((series) => series.values)], container);
  new window.ResizeObserver(() => plot.setSize({ width: Math.max(container.clientWidth, 300), height })).observe(container);
}

// A dashed vertical line, labelled, where the alert started and where it was resolved.
function drawMarkers(plot, markers) {
  const { ctx, bbox } = plot;
  const pixelRatio = window.devicePixelRatio || 1;
  ctx.save();
  ctx.strokeStyle = '#dc2626';
  ctx.fillStyle = '#dc2626';
  ctx.lineWidth = pixelRatio;
  ctx.setLineDash([4 * pixelRatio, 4 * pixelRatio]);
  ctx.font = `${11 * pixelRatio}px sans-serif`;
  ctx.textBaseline = 'top';
  for (const marker of markers) {
    // Half a pixel off the grid: a one-pixel line on a whole coordinate would blur over two.
    const x = Math.round(plot.valToPos(marker.at, 'x', true)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    // The label goes right of the line, unless that would run off the plot.
    const gap = 4 * pixelRatio;
    const fitsRight = x + gap + ctx.measureText(marker.label).width <= bbox.left + bbox.width;
    ctx.textAlign = fitsRight ? 'left' : 'right';
    ctx.fillText(marker.label, fitsRight ? x + gap : x - gap, bbox.top + 2 * pixelRatio);
  }
  ctx.restore();
}

drawCharts();
// htmx 4 names its events with colons. After an outerHTML swap the element that fired the
// request is gone, and htmx dispatches the event on the document instead, so listen there.
document.addEventListener('htmx:after:swap', drawCharts);
