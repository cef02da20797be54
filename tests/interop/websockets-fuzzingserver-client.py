#!/usr/bin/python3
"""Autobahn's client loop on Python `websockets` (Debian python3-websockets 10.4), the shape
projects keep next to their client: a third-party client for wsspec serve-cases.

    /usr/bin/python3 websockets-fuzzingserver-client.py [--deflate] URL AGENT

GET URL/getCaseCount, then for each case URL/runCase?case=N&agent=AGENT echoing every message
with its own type until the server closes, then URL/updateReports?agent=AGENT. permessage-deflate
is offered (websockets' default offer) only with --deflate. A wss:// URL is not verified (the tests' certificate is
self-signed). Exits 0 when the loop ran to the end.
"""

import asyncio
import ssl
import sys
import urllib.parse

import websockets


def tls_for(url):
    """wss:// to a test server with a self-signed certificate: no verification."""
    if not url.startswith("wss://"):
        return None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def one(url, echo, compression=None):
    messages = []
    try:
        async with websockets.connect(url, compression=compression, open_timeout=10, max_size=None,
                                      ssl=tls_for(url)) as ws:
            async for message in ws:
                messages.append(message)
                if echo:
                    await ws.send(message)
    except (websockets.ConnectionClosed, websockets.InvalidHandshake, OSError):
        pass
    return messages


async def main(url, agent, compression):
    got = await one(url + "/getCaseCount", False)
    count = int(got[0])
    a = urllib.parse.quote(agent, safe="")
    for n in range(1, count + 1):
        await one(f"{url}/runCase?case={n}&agent={a}", True, compression)
    await one(f"{url}/updateReports?agent={a}", False)


if __name__ == "__main__":
    args = sys.argv[1:]
    deflate = "--deflate" in args
    args = [a for a in args if a != "--deflate"]
    asyncio.run(main(args[0], args[1], "deflate" if deflate else None))
