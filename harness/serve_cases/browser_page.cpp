#include "harness/serve_cases/browser_page.hpp"

namespace wsspec::serve_cases {

std::string_view browser_page() noexcept {
    return R"html(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>wsspec: testing this browser</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; }
#log { font: 12px ui-monospace, monospace; white-space: pre-wrap; }
</style></head>
<body>
<h1>wsspec: this browser's WebSocket client</h1>
<p id="status">starting</p>
<div id="log"></div>
<script>
'use strict';
// Autobahn's client loop: /getCaseCount, then /runCase for each case (echo everything until the
// server closes), then /updateReports.
const params = new URLSearchParams(location.search);
const base = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host;
function browserName() {
  const ua = navigator.userAgent;
  const m = ua.match(/(HeadlessChrome|Chrome|Firefox|Version)\/([\d.]+)/);
  if (!m) return 'browser';
  const name = m[1] === 'Version' ? 'Safari' : m[1];
  return name + '/' + m[2];
}
const agent = params.get('agent') || browserName();
const statusLine = document.getElementById('status');
function say(text) { statusLine.textContent = text; }
function log(text) { document.getElementById('log').textContent += text + '\n'; }

// One connection: resolves with the messages it got when it closes (echoing them unless told).
function connect(path, echo) {
  return new Promise((resolve) => {
    const got = [];
    let ws;
    try { ws = new WebSocket(base + path); } catch (e) { log(path + ': ' + e); resolve(got); return; }
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (e) => { got.push(e.data); if (echo) ws.send(e.data); };
    ws.onerror = () => {};
    ws.onclose = () => resolve(got);
  });
}

function wanted(n) {
  const spec = params.get('cases');
  if (!spec) return true;
  return spec.split(',').some((part) => {
    const [a, b] = part.split('-').map(Number);
    return b ? n >= a && n <= b : n === a;
  });
}

async function main() {
  const count = Number((await connect('/getCaseCount', false))[0]);
  if (!Number.isInteger(count)) { say('the server did not send a case count'); return; }
  const a = encodeURIComponent(agent);
  let ran = 0;
  for (let n = 1; n <= count; ++n) {
    if (!wanted(n)) continue;
    say('case ' + n + ' of ' + count + ' (agent ' + agent + ')');
    await connect('/runCase?case=' + n + '&agent=' + a, true);
    ++ran;
  }
  // ?shutdown=1 (what `wsspec browser` loads): the server stops once the reports are written.
  const shutdown = params.get('shutdown') ? '&shutdownOnComplete=true' : '';
  await connect('/updateReports?agent=' + a + shutdown, false);
  say('done: ' + ran + ' cases as agent ' + agent);
  log('done');
  document.title = 'wsspec: done';
  document.body.dataset.done = String(ran);
}
main();
</script>
</body></html>
)html";
}

} // namespace wsspec::serve_cases
