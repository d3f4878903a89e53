// The postcall sample page: polls api/calls every 2 s and redraws what changed. Everything that came from a webhook
// is put into the page as text (textContent), never as HTML.
(function () {
  'use strict';

  const POLL_MS = 2000;
  const SVG = 'http://www.w3.org/2000/svg';
  const COLORS = { SUCCESS: '#17a673', FAILURE: '#e5484d', UNKNOWN: '#a0a6bf' };
  const REASON_COLORS = ['#e5484d', '#f59f00', '#6d5efc', '#22b8cf', '#a0a6bf'];
  const rendered = new Map(); // conversationId -> { json, element }
  const openTranscripts = new Set(); // conversationIds whose transcript is expanded, kept when a card is rebuilt
  let firstLoad = true;
  let lastOk = 0;

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else node.setAttribute(k, v);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  // ---- formatting ----------------------------------------------------------------------------------------------
  function duration(secs) {
    if (secs === undefined || secs === null) return '–';
    const h = Math.floor(secs / 3600), m = Math.floor((secs % 3600) / 60), s = Math.round(secs % 60);
    if (h) return h + 'h ' + String(m).padStart(2, '0') + 'm';
    if (m) return m + 'm ' + String(s).padStart(2, '0') + 's';
    return s + 's';
  }
  const number = (n) => (n === undefined || n === null) ? '–' : n.toLocaleString('en-US');
  const usd = (n) => '$' + n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });
  function when(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  }
  function ago(iso) {
    const secs = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    if (secs < 60) return 'just now';
    if (secs < 3600) return Math.floor(secs / 60) + ' min ago';
    if (secs < 86400) return Math.floor(secs / 3600) + ' h ago';
    return Math.floor(secs / 86400) + ' d ago';
  }
  function clock(secs) {
    if (secs === undefined || secs === null) return '–:––';
    return Math.floor(secs / 60) + ':' + String(secs % 60).padStart(2, '0');
  }
  const label = (s) => s ? s.charAt(0) + s.slice(1).toLowerCase() : 'Unknown';
  function valueText(v) {
    if (v === null || v === undefined) return null;
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  // ---- analytics -----------------------------------------------------------------------------------------------
  function renderStats(a) {
    $('stat-calls').textContent = number(a.callsReceived);
    $('stat-calls-sub').textContent = a.callsReceived === 1 ? 'call' : 'calls';
    $('stat-duration').textContent = duration(a.totalDurationSecs);
    $('stat-duration-sub').textContent = 'average ' + duration(a.averageDurationSecs);
    $('stat-cost').textContent = number(a.totalCost);
    $('stat-cost-sub').textContent = 'credits' + (a.totalCostUsd !== undefined && a.totalCostUsd !== null ? ' · ' + usd(a.totalCostUsd) : '');
    $('stat-success').textContent = a.successRate === undefined || a.successRate === null ? '–' : Math.round(a.successRate * 100) + '%';
    $('stat-success-sub').textContent = (a.outcomes.SUCCESS || 0) + ' of ' + ((a.outcomes.SUCCESS || 0) + (a.outcomes.FAILURE || 0)) + ' judged calls';
    $('stat-failures').textContent = number(a.failedInitiations);
    const reasons = Object.entries(a.failuresByReason || {}).map(([r, n]) => n + ' ' + r);
    $('stat-failures-sub').textContent = reasons.length ? reasons.join(' · ') : 'none';
  }

  function renderTimeChart(calls) {
    const box = $('chart-time');
    box.replaceChildren();
    if (!calls.length) { box.append(el('div', { class: 'none' }, 'Calls will be charted as they arrive.')); return; }
    const times = calls.map((c) => new Date(c.receivedAt).getTime());
    const steps = [60e3, 5 * 60e3, 15 * 60e3, 3600e3, 6 * 3600e3, 86400e3, 7 * 86400e3];
    const max = Math.max(...times);
    const buckets = 12;
    const min = Math.min(...times);
    const step = steps.find((s) => (max - min) / s < buckets) || steps[steps.length - 1];
    const end = Math.floor(max / step) * step;
    const start = end - (buckets - 1) * step;
    const counts = new Array(buckets).fill(0);
    for (const t of times) {
      const i = Math.floor((t - start) / step);
      if (i >= 0 && i < buckets) counts[i]++;
    }
    const W = 560, H = 160, pad = 24, bw = (W - pad) / buckets;
    const top = Math.max(...counts, 1);
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H + 20}`, role: 'img', 'aria-label': 'Calls received over time' });
    const grad = svg('linearGradient', { id: 'bar', x1: 0, y1: 0, x2: 0, y2: 1 },
      svg('stop', { offset: '0%', 'stop-color': '#6d5efc' }), svg('stop', { offset: '100%', 'stop-color': '#22b8cf' }));
    chart.append(svg('defs', {}, grad));
    for (let g = 0; g <= 2; g++) {
      const y = H - (H - 10) * g / 2;
      chart.append(svg('line', { x1: pad, x2: W, y1: y, y2: y, stroke: '#e5e7f0' }));
      // whole calls only: with one call at most, the middle line has no label
      if (Number.isInteger(top * g / 2)) chart.append(svg('text', { x: 0, y: y + 3, class: 'axis' }, top * g / 2));
    }
    counts.forEach((n, i) => {
      const h = (H - 10) * n / top;
      const x = pad + i * bw + 3;
      const bar = svg('rect', { x, y: H - h, width: bw - 6, height: Math.max(h, n ? 2 : 0), rx: 4, fill: 'url(#bar)' });
      bar.append(svg('title', {}, n + (n === 1 ? ' call' : ' calls')));
      chart.append(bar);
      if (i % 3 === 0 || i === buckets - 1) {
        const t = new Date(start + i * step);
        const text = step >= 86400e3 ? t.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })
          : t.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
        chart.append(svg('text', { x: x + (bw - 6) / 2, y: H + 14, class: 'axis', 'text-anchor': 'middle' }, text));
      }
    });
    box.append(chart);
  }

  function renderDonut(boxId, entries, colorOf, empty) {
    const box = $(boxId);
    box.replaceChildren();
    const total = entries.reduce((s, [, n]) => s + n, 0);
    if (!total) { box.append(el('div', { class: 'none' }, empty)); return; }
    const r = 42, c = 2 * Math.PI * r;
    const chart = svg('svg', { viewBox: '0 0 120 120', role: 'img', 'aria-label': 'share per category' });
    chart.append(svg('circle', { cx: 60, cy: 60, r, fill: 'none', stroke: '#eef0f7', 'stroke-width': 16 }));
    let offset = 0;
    entries.forEach(([name, n], i) => {
      if (!n) return;
      const len = c * n / total;
      const arc = svg('circle', {
        cx: 60, cy: 60, r, fill: 'none', stroke: colorOf(name, i), 'stroke-width': 16,
        'stroke-dasharray': `${len} ${c - len}`, 'stroke-dashoffset': -offset, transform: 'rotate(-90 60 60)'
      });
      arc.append(svg('title', {}, `${name}: ${n}`));
      chart.append(arc);
      offset += len;
    });
    chart.append(svg('text', { x: 60, y: 58, 'text-anchor': 'middle', 'font-size': 20, 'font-weight': 700, fill: '#1b1f33' }, total));
    chart.append(svg('text', { x: 60, y: 74, 'text-anchor': 'middle', 'font-size': 9, fill: '#6b7190' }, 'total'));
    const legend = el('div', { class: 'legend' }, entries.map(([name, n], i) =>
      el('div', {}, el('span', { class: 'sw', style: `background:${colorOf(name, i)}` }), `${name} `, el('b', {}, n))));
    box.append(el('div', { class: 'donut' }, chart, legend));
  }

  // ---- calls ---------------------------------------------------------------------------------------------------
  function callCard(c) {
    const dir = c.direction || 'NONE';
    // who called whom when the direction says so; a phone call whose direction is not known still names both parties
    const who = c.callerNumber || c.calledNumber
      ? [el('span', { class: 'num caller' }, c.callerNumber || 'unknown'), el('span', { class: 'arrow' }, '→'),
         el('span', { class: 'num called' }, c.calledNumber || 'unknown')]
      : c.customerNumber || c.agentNumber
        ? [el('span', { class: 'num customer' }, c.customerNumber || 'unknown'),
           el('span', { class: 'arrow', title: 'who called whom is not known' }, '↔'),
           el('span', { class: 'num agent' }, c.agentNumber || 'unknown')]
        : [el('span', {}, 'Web / app conversation')];
    const dirBadge = el('span', { class: 'badge ' + dir },
      dir === 'INBOUND' ? '↙ Inbound' : dir === 'OUTBOUND' ? '↗ Outbound' : dir === 'NONE' ? '◎ Web' : '? ' + label(dir));
    const outcome = c.outcome || 'UNKNOWN';
    const main = el('div', { class: 'main' },
      el('div', { class: 'who' }, who, dirBadge, el('span', { class: 'badge outcome ' + outcome },
        outcome === 'SUCCESS' ? '✓ Successful' : outcome === 'FAILURE' ? '✗ Unsuccessful' : '? Not judged'),
        c.receivedBy ? el('span', {
          class: 'badge received-by ' + c.receivedBy,
          title: c.receivedBy === 'backfill' ? 'No webhook brought it: postcall fetched it from the Conversations API'
            : 'Brought by the post-call webhook'
        }, c.receivedBy === 'backfill' ? '⟲ Backfill' : '⚡ Webhook') : null),
      el('div', { class: 'meta' },
        el('span', {}, c.startedAt ? 'Started ' : 'Received ', el('b', {}, when(c.startedAt || c.receivedAt))),
        el('span', {}, 'Duration ', el('b', { class: 'duration' }, duration(c.durationSecs))),
        c.queueWaitSecs !== undefined && c.queueWaitSecs !== null
          ? el('span', {}, 'Queued ', el('b', { class: 'queue-wait' }, duration(c.queueWaitSecs)), ' first') : null,
        el('span', {}, 'Cost ', el('b', { class: 'cost' }, number(c.cost)), ' credits',
          c.costUsd !== undefined && c.costUsd !== null ? ' (' + usd(c.costUsd) + ')' : ''),
        c.customerNumber ? el('span', {}, 'Customer ', el('b', { class: 'customer-number' }, c.customerNumber)) : null,
        c.agentNumber ? el('span', {}, 'Agent ', el('b', { class: 'agent-number' }, c.agentNumber)) : null,
        c.callResult ? el('span', {}, 'Result ', el('b', { class: 'call-result' }, c.callResult.replace(/_/g, ' '))) : null,
        c.transcriptSent === false ? el('span', { class: 'transcript-not-sent' }, 'Transcript not sent')
          : c.turnCount ? el('span', {}, el('b', { class: 'turn-count' }, c.turnCount), ' turns') : null,
        c.language ? el('span', {}, 'Language ', el('b', {}, c.language.toUpperCase())) : null,
        c.terminationReason ? el('span', {}, 'Ended: ', el('b', {}, c.terminationReason)) : null),
      el('h3', { class: 'title' }, c.title || 'Untitled call'),
      el('p', { class: 'summary' }, c.summary || 'No summary was sent for this call.'));

    const details = el('div', { class: 'details' });
    const collected = Object.entries(c.collected || {});
    if (collected.length) {
      const dl = el('dl', { class: 'kv' });
      for (const [k, v] of collected) {
        const text = valueText(v);
        dl.append(el('dt', {}, k.replace(/_/g, ' ')), el('dd', { class: text === null ? 'null' : '' }, text === null ? 'not collected' : text));
      }
      details.append(el('div', {}, el('h3', {}, 'Collected data'), dl));
    }
    const evals = Object.entries(c.evaluations || {});
    if (evals.length) {
      details.append(el('div', {}, el('h3', {}, 'Evaluation'), el('div', { class: 'evals' }, evals.map(([k, v]) =>
        el('span', { class: 'badge ' + (v || 'UNKNOWN'), title: label(v) },
          (v === 'SUCCESS' ? '✓ ' : v === 'FAILURE' ? '✗ ' : '? ') + k.replace(/_/g, ' '))))));
    }
    if (details.childElementCount) main.append(details);

    const side = el('div', { class: 'side' }, el('h3', {}, 'Recording'), c.audioUrl
      ? el('audio', { controls: '', preload: 'metadata', src: c.audioUrl })
      : el('span', { class: 'noaudio' }, 'Audio not received yet'));
    return el('article', { class: 'call ' + outcome, 'data-conversation-id': c.conversationId },
      main, side, transcript(c),
      el('div', { class: 'ids' }, c.conversationId + (c.agentId ? ' · agent ' + c.agentId : '') + ' · received ' + ago(c.receivedAt)));
  }

  // who said what and when: one line per turn, folded until asked for
  function transcript(c) {
    const turns = c.transcript || [];
    const id = c.conversationId;
    const notSent = c.transcriptSent === false;
    const box = el('details', { class: 'transcript', open: openTranscripts.has(id) ? '' : null },
      el('summary', {}, 'Transcript', el('span', { class: 'count' }, notSent ? ' · not sent'
        : turns.length ? ' · ' + turns.length + (turns.length === 1 ? ' turn' : ' turns') : '')));
    box.addEventListener('toggle', () => { if (box.open) openTranscripts.add(id); else openTranscripts.delete(id); });
    if (!turns.length) {
      box.append(el('p', { class: 'none' }, notSent
        ? 'Transcript not sent: this webhook leaves it out (its exclude_transcript setting); the rest of the call arrived.'
        : c.turnCount
          ? 'This call has ' + c.turnCount + ' turns, but its transcript does not fit the model.'
          : 'The transcript of this call has no turns.'));
      return box;
    }
    box.append(el('ol', { class: 'turns' }, turns.map((t) => {
      const role = (t.role || 'unknown').toLowerCase();
      return el('li', { class: 'turn ' + (role === 'agent' || role === 'user' ? role : 'other') },
        el('div', { class: 'turn-head' },
          el('span', { class: 'role' }, role === 'agent' ? 'Agent' : role === 'user' ? 'User' : label(t.role)),
          el('span', { class: 'at', title: 'time in call' }, clock(t.timeInCallSecs))),
        t.message !== undefined && t.message !== null ? el('p', { class: 'message' }, t.message) : null,
        (t.toolCalls || []).length ? el('div', { class: 'tools' }, t.toolCalls.map((name) =>
          el('span', { class: 'tool', title: 'tool call' }, '⚙ ' + name))) : null);
    })));
    return box;
  }

  function renderCalls(calls) {
    const list = $('calls');
    const seen = new Set();
    let previous = null;
    for (const c of calls) {
      seen.add(c.conversationId);
      const json = JSON.stringify(c);
      let entry = rendered.get(c.conversationId);
      if (!entry || entry.json !== json) {
        // a changed call is rebuilt (its audio arrived, or it was delivered again); unchanged ones keep their player
        const card = callCard(c);
        if (!firstLoad && !entry) card.classList.add('fresh');
        if (entry) entry.element.replaceWith(card);
        entry = { json, element: card };
        rendered.set(c.conversationId, entry);
      }
      const expectedNext = previous ? previous.nextSibling : list.firstChild;
      if (expectedNext !== entry.element) list.insertBefore(entry.element, expectedNext);
      previous = entry.element;
    }
    for (const [id, entry] of rendered) {
      if (!seen.has(id)) { entry.element.remove(); rendered.delete(id); }
    }
    $('calls-empty').style.display = calls.length ? 'none' : '';
    $('calls-count').textContent = calls.length ? calls.length + (calls.length === 1 ? ' call' : ' calls') + ', newest first' : '';
  }

  // a list is redrawn only when it changed, so what a reader selected in it stays selected
  const drawn = {};
  function changed(name, value) {
    const json = JSON.stringify(value);
    if (drawn[name] === json) return false;
    drawn[name] = json;
    return true;
  }

  function renderFailures(failures) {
    if (!changed('failures', failures)) return;
    const body = $('failures').querySelector('tbody');
    body.replaceChildren(...failures.map((f) => el('tr', {},
      el('td', {}, when(f.receivedAt)),
      el('td', {}, el('span', { class: 'badge FAILURE' }, f.reason || 'unknown')),
      el('td', {}, f.provider || '–'),
      el('td', {}, f.sipStatusCode === undefined || f.sipStatusCode === null ? '–' : f.sipStatusCode),
      el('td', {}, el('code', {}, f.conversationId || '–')),
      el('td', {}, el('code', {}, f.agentId || '–')))));
    $('failures').style.display = failures.length ? '' : 'none';
    $('failures-empty').style.display = failures.length ? 'none' : '';
    $('failures-count').textContent = failures.length ? String(failures.length) : '';
  }

  function renderOthers(others) {
    if (!changed('others', others)) return;
    $('others').replaceChildren(...others.map((o) => el('li', {},
      el('code', { class: 'type' }, o.type),
      el('span', { class: 'when' }, when(o.eventTime || o.receivedAt)),
      o.conversationId ? el('code', { class: 'conv' }, o.conversationId) : el('span', { class: 'conv none' }, 'no conversation id'))));
    $('others').style.display = others.length ? '' : 'none';
    $('others-empty').style.display = others.length ? 'none' : '';
    $('others-count').textContent = others.length ? String(others.length) : '';
  }

  // ---- ElevenLabs: backfill and the webhooks' state there (only with ELEVENLABS_API_KEY) ------------------------
  function renderElevenLabs(e) {
    const box = $('elevenlabs');
    box.style.display = e ? '' : 'none';
    if (!e || !changed('elevenlabs', e)) return;
    const rows = (e.webhooks || []).map((w) => el('li', { class: 'webhook-state ' + w.state },
      el('b', { class: 'name' }, w.name),
      el('span', { class: 'badge state ' + w.state }, w.state === 'auto-disabled' ? '✗ Disabled by ElevenLabs'
        : w.state === 'disabled' ? '⏸ Disabled' : '✓ Enabled'),
      w.lastFailure ? el('span', { class: 'last-failure' }, 'Last failure: ' + w.lastFailure) : null));
    $('elevenlabs-webhooks').replaceChildren(...(rows.length ? rows
      : [el('li', { class: 'none' }, e.checkedAt ? 'No webhook carries post-call events.' : 'Not asked yet.')]));
    $('elevenlabs-backfill').textContent = e.state === 'on' ? (e.lastRun || 'Backfill is on; its first run is due.')
      : 'Backfill ' + e.state;
    $('elevenlabs-problem').textContent = e.watchProblem || '';
  }

  // ---- polling -------------------------------------------------------------------------------------------------
  function setLive(state, text) {
    $('live').className = 'live ' + state;
    $('live-text').textContent = text;
  }

  async function refresh() {
    try {
      const response = await fetch('api/calls', { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const data = await response.json();
      renderStats(data.analytics);
      renderTimeChart(data.calls);
      renderDonut('chart-outcomes', ['SUCCESS', 'FAILURE', 'UNKNOWN'].map((o) => [label(o), data.analytics.outcomes[o] || 0]),
        (name) => COLORS[name.toUpperCase()], 'Outcomes appear with the first call.');
      renderDonut('chart-reasons', Object.entries(data.analytics.failuresByReason || {}),
        (name, i) => REASON_COLORS[i % REASON_COLORS.length], 'No failed initiations.');
      renderCalls(data.calls);
      renderFailures(data.failures);
      renderOthers(data.others || []);
      renderElevenLabs(data.elevenLabs);
      firstLoad = false;
      lastOk = Date.now();
      setLive('ok', 'Live');
      document.body.dataset.loaded = 'true';
    } catch (e) {
      setLive('down', 'Server unreachable, retrying…');
    } finally {
      setTimeout(refresh, POLL_MS);
    }
  }

  function toast(text, error) {
    const t = $('toast');
    t.textContent = text;
    t.className = 'toast show' + (error ? ' error' : '');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.className = 'toast'; }, 3500);
  }

  async function sendTestCall(event) {
    event.preventDefault();
    const button = $('send');
    const sample = $('sample').value;
    button.disabled = true;
    try {
      const first = await post('api/test-call?sample=' + encodeURIComponent(sample));
      if (sample === 'transcription' && first.ok) {
        // the same conversation's recording follows, as ElevenLabs sends it
        await post('api/test-call?sample=audio&conversation=' + encodeURIComponent(first.body.conversationId));
      }
      toast(first.ok ? 'Signed test webhook sent: the webhook answered ' + first.body.webhookStatus
        + (sample === 'unknown' ? '; see Other events' : '')
        : 'Test call failed: ' + (first.body.detail || ('webhook answered ' + first.body.webhookStatus)), !first.ok);
    } catch (e) {
      toast('Test call failed: ' + e.message, true);
    } finally {
      button.disabled = false;
    }
  }

  async function post(url) {
    const response = await fetch(url, { method: 'POST' });
    let body = {};
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    return { ok: response.ok, body };
  }

  for (const node of document.querySelectorAll('.webhook-url')) {
    node.textContent = new URL('elevenlabs/webhook', window.location.href).href;
  }
  $('test-call').addEventListener('submit', sendTestCall);
  setInterval(() => { if (lastOk && Date.now() - lastOk > 3 * POLL_MS) setLive('down', 'Server unreachable, retrying…'); }, 1000);
  refresh();
})();
