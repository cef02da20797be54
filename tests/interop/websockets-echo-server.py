#!/usr/bin/python3
"""An echo server on Python `websockets` (Debian python3-websockets 10.4), as a third-party
target for wsspec's interop tests (harness/tests/interop_test.cpp) and for `wsspec run` by hand.

    /usr/bin/python3 websockets-echo-server.py [port] [--deflate]     port 0 or none: ephemeral

It binds 127.0.0.1, prints the port it got on stdout as one line, and exits when stdin closes
(the parent died or closed the pipe) or on SIGTERM/SIGINT.

A text message arrives as str and a binary one as bytes, and send() picks the opcode from the
type, so every message goes back with its own opcode. permessage-deflate only with --deflate, on
websockets' own defaults (its `compression="deflate"`); without it the handshake is the same
whatever a client offers.
"""

import asyncio
import os
import signal
import sys
import threading

import websockets


async def echo(websocket, path=None):
    # `path` keeps the handler valid for the older two-argument calling convention too.
    del path
    try:
        async for message in websocket:
            await websocket.send(message)
    except websockets.ConnectionClosed:
        pass


def watch_stdin(loop, stop):
    """Blocks on stdin in a thread; EOF (or an error) means the parent is gone."""
    # os.read on the raw descriptor: a thread blocked inside sys.stdin's buffered reader holds its
    # lock and aborts the interpreter at exit.
    try:
        while os.read(sys.stdin.fileno(), 4096):
            pass
    except (OSError, ValueError):
        pass
    loop.call_soon_threadsafe(lambda: stop.done() or stop.set_result(None))


async def main():
    args = [a for a in sys.argv[1:] if a != "--deflate"]
    compression = "deflate" if "--deflate" in sys.argv[1:] else None
    port = int(args[0]) if args else 0
    if not 0 <= port <= 65535:
        raise SystemExit(f"websockets-echo-server: bad port {port}")
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    threading.Thread(target=watch_stdin, args=(loop, stop), daemon=True).start()

    async with websockets.serve(echo, "127.0.0.1", port, compression=compression) as server:
        bound = server.sockets[0].getsockname()[1]
        print(bound, flush=True)
        await stop
        # Leaving the block closes every connection (1001) and waits for them; do not let a
        # peer that never answers hold the process.
        server.close()
        try:
            await asyncio.wait_for(server.wait_closed(), timeout=1.0)
        except asyncio.TimeoutError:
            pass


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except OSError as e:
        print(f"websockets-echo-server: {e}", file=sys.stderr)
        sys.exit(2)
