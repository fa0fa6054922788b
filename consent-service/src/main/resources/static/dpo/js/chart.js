// The console's chart of per-day figures, drawn as SVG elements (no library, no inline style: colours come from
// console.css classes). The numbers are also written in a list next to it for those who do not see the chart.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 16, bottom: 28, left: 40 };

function node(name, attributes = {}, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, String(value));
  }
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}

/**
 * Draws one line per series over the days. days: [{ day: 'YYYY-MM-DD', values: { series: count } }], in order;
 * series: [{ key, label }] (the key names the CSS class chart-<key>).
 */
export function drawChart(svg, days, series) {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  const max = Math.max(1, ...days.flatMap((day) => series.map((s) => day.values[s.key] ?? 0)));
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (index) => MARGIN.left + (days.length < 2 ? innerWidth / 2 : (index * innerWidth) / (days.length - 1));
  const y = (value) => MARGIN.top + innerHeight - (value * innerHeight) / max;

  svg.append(
    node('line', { class: 'chart-axis', x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: MARGIN.top + innerHeight }),
    node('line', { class: 'chart-axis', x1: MARGIN.left, y1: MARGIN.top + innerHeight, x2: WIDTH - MARGIN.right, y2: MARGIN.top + innerHeight }),
    node('text', { class: 'chart-label', x: MARGIN.left - 6, y: MARGIN.top + 4, 'text-anchor': 'end' }, String(max)),
    node('text', { class: 'chart-label', x: MARGIN.left - 6, y: MARGIN.top + innerHeight, 'text-anchor': 'end' }, '0'),
  );
  if (days.length) {
    svg.append(
      node('text', { class: 'chart-label', x: MARGIN.left, y: HEIGHT - 6, 'text-anchor': 'start' }, days[0].day),
      node('text', { class: 'chart-label', x: WIDTH - MARGIN.right, y: HEIGHT - 6, 'text-anchor': 'end' }, days[days.length - 1].day),
    );
  }
  for (const s of series) {
    const points = days.map((day, index) => `${x(index).toFixed(1)},${y(day.values[s.key] ?? 0).toFixed(1)}`);
    svg.append(node('polyline', { class: `chart-line chart-${s.key}`, points: points.join(' ') }));
    days.forEach((day, index) => {
      const dot = node('circle', { class: `chart-dot chart-${s.key}`, cx: x(index).toFixed(1), cy: y(day.values[s.key] ?? 0).toFixed(1), r: 3 });
      dot.append(node('title', {}, `${s.label}, ${day.day} : ${day.values[s.key] ?? 0}`));
      svg.append(dot);
    });
  }
}
