#!/usr/bin/env node
// Autobahn's client loop on the Node `ws` library, as projects keep it next to their client
// (ws's own test/autobahn.js has the same shape): a third-party client for wsspec serve-cases.
//
//   node ws-fuzzingserver-client.js [--deflate] URL AGENT
//
// GET URL/getCaseCount, then for each case URL/runCase?case=N&agent=AGENT echoing every message
// with its own opcode until the server closes, then URL/updateReports?agent=AGENT.
// permessage-deflate is offered (ws's default offer) only with --deflate. Exits 0 when the loop
// ran to the end.
'use strict';

const WebSocket = require('ws');

const args = process.argv.slice(2);
const deflate = args.includes('--deflate');
const [url, agent] = args.filter((a) => a !== '--deflate');
if (!url || !agent) {
  process.stderr.write('usage: ws-fuzzingserver-client.js URL AGENT\n');
  process.exit(2);
}

function connect(path, onMessage) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url + path, { perMessageDeflate: deflate });
    ws.on('message', (data, isBinary) => onMessage(ws, data, isBinary));
    // A case that ends in a protocol error is the server's to judge; go on with the next.
    ws.on('error', () => {});
    ws.on('close', () => resolve());
  });
}

async function main() {
  let count = NaN;
  await connect('/getCaseCount', (ws, data) => { count = Number(data.toString()); });
  if (!Number.isInteger(count)) {
    process.stderr.write('no case count from ' + url + '\n');
    process.exit(1);
  }
  const a = encodeURIComponent(agent);
  for (let n = 1; n <= count; ++n) {
    await connect(`/runCase?case=${n}&agent=${a}`, (ws, data, isBinary) => {
      ws.send(data, { binary: isBinary });
    });
  }
  await connect(`/updateReports?agent=${a}`, () => {});
}

main();
