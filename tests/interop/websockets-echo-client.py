#!/usr/bin/python3
"""An echo client on Python `websockets` (Debian python3-websockets 10.4), as a third-party peer
for the client-role cases of wsspec's interop tests (harness/tests/interop/interop_test.cpp).

    /usr/bin/python3 websockets-echo-client.py URL [connections]

It connects to URL `connections` times in a row (default 1), echoes every message it gets with
its own opcode until the server closes, and exits. No permessage-deflate is offered.
"""

import asyncio
import sys

import websockets


async def echo_once(url):
    try:
        async with websockets.connect(url, compression=None, open_timeout=10) as ws:
            async for message in ws:
                await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def main(url, count):
    for _ in range(count):
        await echo_once(url)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1))
