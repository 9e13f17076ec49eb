// The live page of boltzmann training runs: fetches the runs' histories
// from the JSON endpoints of package serve, draws them with uPlot and
// follows the server-sent events at /api/events. Plain JavaScript, no build.
'use strict';

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

// Each panel plots record fields (or derived ones, starting with '_')
// against the epoch (the update for bmDCA runs); a panel without any
// measured value in any run is not shown.
const panels = [
  { id: 'll', title: 'Exact log-likelihood', y: 'nats per sample',
    series: [['train_log_likelihood', 'train'], ['val_log_likelihood', 'validation']] },
  { id: 'pll', title: 'Pseudo-log-likelihood', y: 'nats per sample',
    series: [['train_pseudo_log_likelihood', 'train'], ['val_pseudo_log_likelihood', 'validation']] },
  { id: 'recon', title: 'Reconstruction error', y: 'mean squared error', series: [['reconstruction_error', 'train']] },
  { id: 'logz', title: 'Exact log partition function', y: 'log Z (nats)', series: [['log_z', 'log Z']] },
  { id: 'pearson', title: 'Pearson correlation, model vs data', y: 'Pearson r',
    series: [['pearson', 'connected correlations C_ij'], ['pearson_fi', 'frequencies f_i']] },
  { id: 'slope', title: 'Slope of C_model against C_data', y: 'slope', series: [['slope', 'slope']] },
  { id: 'autocorr', title: 'Autocorrelation time of the chains\' free energy', y: 'sweeps',
    series: [['autocorr_time', 'integrated τ']] },
  { id: 'swaps', title: 'Parallel tempering swap acceptance', y: 'fraction accepted',
    series: [['swap_acceptance', 'mean over pairs'], ['swap_acceptance_min', 'lowest pair']] },
  { id: 'trips', title: 'Parallel tempering round trips', y: 'round trips per epoch', series: [['round_trips', 'round trips']] },
  { id: 'lr', title: 'Learning rate', y: 'learning rate', series: [['lr', 'lr']] },
  { id: 'time', title: 'Time per unit', y: 'seconds', series: [['_seconds_per_unit', 'seconds']] },
  { id: 'grad', title: 'Gradient norm (last update of the epoch)', y: '|gradient|', series: [['grad_norm', 'norm']] },
];

const state = {
  runs: [],      // /api/runs
  data: {},      // id -> {records, progress, config, evaluation, live}
  plots: {},     // panel id -> {plot, key, table}
  busy: {},      // id -> fetch in progress
  again: {},     // id -> fetch again when done
};

async function getJSON(url) {
  const r = await fetch(url, { cache: 'no-store' });
  if (r.status === 404) return null;
  if (!r.ok) throw new Error(url + ': ' + r.status);
  return r.json();
}

function isNum(v) { return typeof v === 'number' && isFinite(v); }

function xOf(run, rec) { return run.bmdca ? rec.updates : rec.epoch; }

function unitOf(run) { return run.bmdca ? 'update' : 'epoch'; }

// value returns a record's field, or a derived one, or null.
function value(run, recs, i, key) {
  const r = recs[i];
  if (key === '_seconds_per_unit') {
    if (!isNum(r.seconds)) return null;
    const prevX = i > 0 ? xOf(run, recs[i - 1]) : 0;
    const prevS = i > 0 && isNum(recs[i - 1].seconds) ? recs[i - 1].seconds : 0;
    const dx = xOf(run, r) - prevX;
    return dx > 0 ? (r.seconds - prevS) / dx : null;
  }
  return isNum(r[key]) ? r[key] : null;
}

// table builds the aligned data of a panel over all runs: [xs, ys...]
// with one column per run and series, and the matching labels.
function table(panel) {
  const parts = [], labels = [];
  for (const run of state.runs) {
    const d = state.data[run.id];
    if (!d || !d.records.length) continue;
    const recs = d.records;
    const xs = [], cols = panel.series.map(() => []);
    let any = panel.series.map(() => false);
    const seen = new Map();
    for (let i = 0; i < recs.length; i++) {
      const x = xOf(run, recs[i]);
      let row = seen.get(x);
      if (row === undefined) { row = xs.length; seen.set(x, row); xs.push(x); cols.forEach(c => c.push(null)); }
      panel.series.forEach(([key], k) => {
        const v = value(run, recs, i, key);
        if (v !== null) { cols[k][row] = v; any[k] = true; }
      });
    }
    const order = xs.map((x, i) => i).sort((a, b) => xs[a] - xs[b]);
    const keep = [];
    panel.series.forEach(([, label], k) => {
      if (any[k]) { keep.push(order.map(i => cols[k][i])); labels.push({ run, label }); }
    });
    if (keep.length) parts.push([order.map(i => xs[i]), ...keep]);
  }
  if (!parts.length) return null;
  return { data: parts.length === 1 ? parts[0] : uPlot.join(parts), labels };
}

// points is the number of plotted values of a panel, over its series.
function points(data) {
  let n = 0;
  for (let k = 1; k < data.length; k++) {
    for (const v of data[k]) if (v !== null && v !== undefined) n++;
  }
  return n;
}

function xLabel() {
  const units = new Set(state.runs.filter(r => state.data[r.id]).map(unitOf));
  return [...units].join(' / ') || 'epoch';
}

function csvOf(panel, t) {
  const head = [xLabel().replace(/ \/ /g, '_or_'), ...t.labels.map(l => l.run.name + ': ' + l.label)];
  const lines = [head.map(csvCell).join(',')];
  for (let i = 0; i < t.data[0].length; i++) {
    lines.push(t.data.map(col => (col[i] === null || col[i] === undefined) ? '' : String(col[i])).join(','));
  }
  return lines.join('\n') + '\n';
}

function csvCell(s) { return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }

function renderPlots() {
  const host = document.getElementById('plots');
  let shown = 0;
  for (const panel of panels) {
    const t = table(panel);
    let p = state.plots[panel.id];
    if (!t) {
      if (p) { p.plot.destroy(); p.div.remove(); delete state.plots[panel.id]; }
      continue;
    }
    shown++;
    const key = t.labels.map(l => l.run.id + ':' + l.label).join('|') + '|' + xLabel();
    if (p && p.key !== key) { p.plot.destroy(); p.div.remove(); p = null; }
    if (!p) {
      const div = document.createElement('div');
      div.className = 'panel';
      div.dataset.panel = panel.id;
      const h = document.createElement('h3');
      h.textContent = panel.title;
      const a = document.createElement('a');
      a.textContent = 'CSV';
      a.href = '#';
      a.className = 'csv';
      a.title = 'download the data of this plot';
      a.addEventListener('click', ev => {
        ev.preventDefault();
        const cur = state.plots[panel.id];
        const blob = new Blob([csvOf(panel, cur.table)], { type: 'text/csv' });
        const url = URL.createObjectURL(blob);
        const dl = document.createElement('a');
        dl.href = url; dl.download = panel.id + '.csv';
        document.body.appendChild(dl); dl.click(); dl.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      });
      h.appendChild(a);
      div.appendChild(h);
      host.appendChild(div);
      const multi = state.runs.length > 1;
      const series = [{ label: xLabel() }];
      t.labels.forEach((l, k) => {
        const sameRun = t.labels.filter(m => m.run.id === l.run.id);
        const dash = sameRun.indexOf(l) > 0 ? [6, 4] : undefined;
        series.push({
          label: multi ? l.run.name + ': ' + l.label : l.label,
          stroke: palette[multi ? l.run.id % palette.length : k % palette.length],
          dash, width: 1.5, spanGaps: true, points: { show: true, size: 4 },
        });
      });
      const opts = {
        width: 440, height: 260, series,
        scales: { x: { time: false }, y: { distr: panel.id === 'lr' ? 3 : 1 } },
        axes: [{ label: xLabel() }, { label: panel.y, size: 70, values: tickLabels }],
        legend: { show: true },
      };
      p = { div, key, plot: new uPlot(opts, t.data, div), table: t };
      state.plots[panel.id] = p;
    } else {
      p.plot.setData(t.data);
    }
    p.table = t;
    p.div.dataset.points = String(points(t.data));
  }
  document.getElementById('nocurves').hidden = shown > 0;
}

// tickLabels prints the y ticks with as many digits as their spacing
// needs (uPlot's default rounds close ticks to the same label).
function tickLabels(u, vals) {
  const finite = vals.filter(isNum);
  const step = finite.length > 1 ? Math.abs(finite[1] - finite[0]) : 0;
  const big = Math.max(...finite.map(Math.abs), 0);
  if (big >= 1e5 || (big > 0 && big < 1e-4)) return vals.map(v => isNum(v) ? v.toExponential(2) : '');
  const dec = step > 0 ? Math.min(10, Math.max(0, Math.ceil(-Math.log10(step)) + (step / Math.pow(10, Math.floor(Math.log10(step))) < 1.5 ? 1 : 0))) : 2;
  return vals.map(v => isNum(v) ? v.toFixed(dec) : '');
}

function fmtTime(s) {
  if (!isNum(s)) return '';
  if (s < 1) return (s * 1000).toPrecision(3) + ' ms';
  if (s < 60) return s.toFixed(s < 10 ? 2 : 1) + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
}

function fmtNum(v) { return isNum(v) ? (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(4) : v.toExponential(3)) : ''; }

function renderRuns() {
  const body = document.querySelector('#runs tbody');
  body.textContent = '';
  for (const run of state.runs) {
    const d = state.data[run.id] || {};
    const p = d.progress || {};
    const tr = document.createElement('tr');
    tr.dataset.run = run.id;
    const cells = [];
    const name = document.createElement('td');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = palette[run.id % palette.length];
    name.append(sw, run.name);
    name.title = run.dir;
    cells.push(name);
    cells.push(td(run.kind ? run.kind + (run.bmdca ? ' (bmDCA)' : '') : 'waiting for config.json'));
    const prog = td((p.done || 0) + (p.total ? ' / ' + p.total : '') + ' ' + (p.unit || 'epoch') + 's');
    const live = d.live;
    if (live && live.updates_per_epoch > 0 && !run.bmdca) {
      const frac = Math.min(1, (live.updates - live.epoch * live.updates_per_epoch) / live.updates_per_epoch);
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.title = 'updates of the current epoch';
      const fill = document.createElement('span');
      fill.style.width = (100 * Math.max(0, frac)).toFixed(1) + '%';
      bar.appendChild(fill);
      prog.appendChild(bar);
    }
    prog.className = 'progress';
    cells.push(prog);
    cells.push(td(fmtNum(p.lr)));
    cells.push(td(isNum(p.per_unit) ? fmtTime(p.per_unit) + ' per ' + (p.unit || 'epoch') : ''));
    const done = p.total && p.done >= p.total;
    cells.push(td(done ? 'finished' : (isNum(p.remaining) ? (run.bmdca ? 'at most ' : '') + fmtTime(p.remaining) : '')));
    cells.push(td(fmtTime(live && isNum(live.seconds) ? Math.max(live.seconds, p.seconds || 0) : p.seconds)));
    const data = td('');
    const a = document.createElement('a');
    a.href = '/api/runs/' + run.id + '/history.csv';
    a.textContent = 'history.csv';
    data.appendChild(a);
    cells.push(data);
    tr.append(...cells);
    body.appendChild(tr);
  }
}

function td(text) { const c = document.createElement('td'); c.textContent = text; return c; }

const evalFields = [
  ['log_z_method', 'log Z method'], ['log_z', 'log Z'], ['log_z_stderr', '± stderr'], ['log_z_lower', 'lower bound'],
  ['log_z_upper', 'upper bound'], ['reverse_log_z', 'reverse AIS log Z'], ['log_likelihood', 'log-likelihood'],
  ['reverse_log_likelihood', 'reverse log-likelihood'], ['pseudo_log_likelihood', 'pseudo-log-likelihood'],
  ['reconstruction_error', 'reconstruction error'], ['ais_runs', 'AIS runs'], ['ais_steps', 'AIS steps'], ['ais_warning', 'warning'],
];

function renderEvaluation() {
  const rows = state.runs.filter(r => state.data[r.id] && state.data[r.id].evaluation);
  document.getElementById('evaluation-section').hidden = rows.length === 0;
  if (!rows.length) return;
  const fields = evalFields.filter(([k]) => rows.some(r => state.data[r.id].evaluation[k] !== undefined));
  const head = document.querySelector('#evaluation thead');
  head.textContent = '';
  const hr = document.createElement('tr');
  hr.append(td('run'), ...fields.map(([, l]) => td(l)));
  head.appendChild(hr);
  const body = document.querySelector('#evaluation tbody');
  body.textContent = '';
  for (const r of rows) {
    const e = state.data[r.id].evaluation;
    const tr = document.createElement('tr');
    tr.append(td(r.name), ...fields.map(([k]) => td(typeof e[k] === 'number' ? fmtNum(e[k]) : (e[k] || ''))));
    body.appendChild(tr);
  }
}

function renderImages() {
  const host = document.getElementById('images');
  let any = false;
  for (const run of state.runs) {
    for (const which of ['samples', 'filters']) {
      const key = run.images && run.images[which];
      const id = 'img-' + run.id + '-' + which;
      let fig = document.getElementById(id);
      if (!key) { if (fig) fig.remove(); continue; }
      any = true;
      if (!fig) {
        fig = document.createElement('figure');
        fig.id = id;
        fig.dataset.kind = which;
        const cap = document.createElement('figcaption');
        cap.textContent = run.name + ': ' + (which === 'samples' ? 'fantasy particles' : 'filters of the hidden units');
        const img = document.createElement('img');
        img.alt = cap.textContent;
        fig.append(cap, img);
        host.appendChild(fig);
      }
      const img = fig.querySelector('img');
      const src = '/api/runs/' + run.id + '/' + which + '.png?v=' + encodeURIComponent(key);
      // A new image at most every 5 s: checkpoints of small runs are
      // rewritten many times a second.
      const now = Date.now();
      if (img.getAttribute('src') !== src && !(now - (img.dataset.loaded || 0) < 5000)) {
        img.src = src;
        img.dataset.loaded = String(now);
      } else if (img.getAttribute('src') !== src && !img.dataset.pending) {
        img.dataset.pending = '1';
        setTimeout(() => { delete img.dataset.pending; img.dataset.loaded = '0'; renderImages(); }, 5000);
      }
    }
  }
  document.getElementById('images-section').hidden = !any;
}

// renderScatter draws, for each bmDCA run with a correlations.json, the
// model's connected correlations against the data's (a point per pair of
// sites and states, every stride-th of them) with the diagonal.
function renderScatter() {
  const host = document.getElementById('scatter');
  let any = false;
  for (const run of state.runs) {
    const d = state.data[run.id];
    const id = 'scatter-' + run.id;
    let div = document.getElementById(id);
    if (!run.correlations || !d) { if (div) div.remove(); continue; }
    any = true;
    if (d.corrKey !== run.correlations && !d.corrBusy) {
      d.corrBusy = true;
      const key = run.correlations;
      getJSON('/api/runs/' + run.id + '/correlations').then(c => {
        d.corrBusy = false;
        if (c) { d.corr = c; d.corrKey = key; d.corrDrawn = null; scheduleRender(); }
      }).catch(e => { d.corrBusy = false; console.error(e); });
    }
    const c = d.corr;
    if (!c || d.corrDrawn === d.corrKey) continue;
    if (div) { if (div.plot) div.plot.destroy(); div.remove(); }
    div = document.createElement('div');
    div.id = id;
    div.className = 'panel';
    div.dataset.panel = 'scatter';
    const h = document.createElement('h3');
    h.textContent = run.name + ': connected correlations C_ij(a,b), model vs data, update ' + c.update +
      ' (r = ' + fmtNum(c.pearson) + ', slope ' + fmtNum(c.slope) + (c.stride > 1 ? '; every ' + c.stride + 'th of ' + c.pairs + ' pairs' : '') + ')';
    const a = document.createElement('a');
    a.textContent = 'CSV';
    a.className = 'csv';
    a.href = 'data:text/csv;charset=utf-8,' + encodeURIComponent('c_data,c_model\n' + c.data.map((x, k) => x + ',' + c.model[k]).join('\n') + '\n');
    a.download = 'correlations-' + run.name + '.csv';
    h.appendChild(a);
    div.appendChild(h);
    host.appendChild(div);
    const order = c.data.map((x, k) => k).sort((i, j) => c.data[i] - c.data[j]);
    const xs = order.map(k => c.data[k]), ys = order.map(k => c.model[k]);
    const lo = Math.min(...xs, ...ys), hi = Math.max(...xs, ...ys);
    const opts = {
      width: 440, height: 320,
      series: [{ label: 'C_data' },
        { label: 'C_model', stroke: palette[run.id % palette.length], paths: () => null, points: { show: true, size: 5, fill: palette[run.id % palette.length] } },
        { label: 'C_model = C_data', stroke: '#888', dash: [4, 4], width: 1, points: { show: false } }],
      scales: { x: { time: false, range: [lo, hi] }, y: { range: [lo, hi] } },
      axes: [{ label: 'C_data' }, { label: 'C_model', size: 70, values: tickLabels }],
      legend: { show: true },
    };
    div.plot = new uPlot(opts, [xs, ys, xs.slice()], div);
    div.dataset.points = String(xs.length);
    d.corrDrawn = d.corrKey;
  }
  document.getElementById('scatter-section').hidden = !any;
}

function render() {
  renderRuns();
  renderPlots();
  renderScatter();
  renderEvaluation();
  renderImages();
}

// apply takes a history document (of /api/runs/ID/history or of a
// "history" event): the records from index from on, and the rest of what
// the page shows of the run.
function apply(h) {
  const d = state.data[h.id] || (state.data[h.id] = { records: [], progress: {}, live: null });
  if (h.from === 0) {
    d.records = h.records.slice();
  } else if (h.from === d.records.length) {
    d.records = d.records.concat(h.records);
  } else {
    refresh(h.id); // the run was rewritten: start again
    return;
  }
  d.progress = h.progress;
  d.evaluation = h.evaluation;
  const i = state.runs.findIndex(r => r.id === h.id);
  if (i >= 0) state.runs[i] = h.run;
  scheduleRender();
}

// refresh fetches the whole history of run id.
async function refresh(id) {
  try {
    const h = await getJSON('/api/runs/' + id + '/history');
    if (h) apply(h);
  } catch (e) {
    console.error(e);
  }
}

let renderPending = false;

function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => { renderPending = false; render(); });
}

function connect() {
  const conn = document.getElementById('conn');
  const es = new EventSource('/api/events');
  es.onopen = () => { conn.dataset.state = 'live'; conn.textContent = 'live'; };
  es.onerror = () => { conn.dataset.state = 'disconnected'; conn.textContent = 'disconnected (retrying)'; };
  es.addEventListener('history', ev => apply(JSON.parse(ev.data)));
  es.addEventListener('progress', ev => {
    const m = JSON.parse(ev.data);
    const d = state.data[m.run] || (state.data[m.run] = { records: [], progress: {}, live: null });
    d.live = m;
    scheduleRender();
  });
}

async function start() {
  state.runs = (await getJSON('/api/runs')) || [];
  document.getElementById('title').textContent = state.runs.map(r => r.name).join(', ');
  document.title = 'boltzmann: ' + state.runs.map(r => r.name).join(', ');
  await Promise.all(state.runs.map(r => refresh(r.id)));
  render();
  document.body.dataset.ready = 'true';
  connect();
}

start();
