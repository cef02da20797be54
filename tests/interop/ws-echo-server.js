#!/usr/bin/env node
// An echo server on the Node `ws` library, as a third-party target for wsspec's interop tests
// (harness/tests/interop_test.cpp) and for trying `wsspec run` by hand.
//
//   node ws-echo-server.js [port] [--deflate]     port 0 or none: an ephemeral port
//
// It binds 127.0.0.1, prints the port it got on stdout as one line, and exits when stdin closes
// (the parent died or closed the pipe) or on SIGTERM/SIGINT.
//
// Every message goes back with its own opcode: `data` is a Buffer for text and binary alike, and
// `isBinary` says which, so text stays text and binary stays binary (turning binary into a string
// would fail the 1.2.x cases). permessage-deflate only with --deflate, on ws's defaults (it then
// compresses echoes of 1024 bytes or more, with context takeover unless the client asks).
'use strict';

const { WebSocketServer } = require('ws');

const args = process.argv.slice(2);
const deflate = args.includes('--deflate');
const positional = args.filter((a) => a !== '--deflate');
const requested = positional.length > 0 ? Number(positional[0]) : 0;
if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
  process.stderr.write(`ws-echo-server: bad port "${positional[0]}"\n`);
  process.exit(2);
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: requested, perMessageDeflate: deflate });

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    ws.send(data, { binary: isBinary });
  });
  // A protocol error already made `ws` close the connection; nothing else to do.
  ws.on('error', () => {});
});

wss.on('listening', () => {
  process.stdout.write(`${wss.address().port}\n`);
});

wss.on('error', (err) => {
  process.stderr.write(`ws-echo-server: ${err.message}\n`);
  process.exit(2);
});

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
  // Do not let a stuck socket keep the process alive.
  setTimeout(() => process.exit(0), 1000).unref();
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
