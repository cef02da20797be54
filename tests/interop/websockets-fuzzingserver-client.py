#!/usr/bin/python3
"""Autobahn's client loop on Python `websockets` (Debian python3-websockets 10.4), the shape
projects keep next to their client: a third-party client for wsspec serve-cases.

    /usr/bin/python3 websockets-fuzzingserver-client.py URL AGENT

GET URL/getCaseCount, then for each case URL/runCase?case=N&agent=AGENT echoing every message
with its own type until the server closes, then URL/updateReports?agent=AGENT. No
permessage-deflate is offered. A wss:// URL is not verified (the tests' certificate is
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


async def one(url, echo):
    messages = []
    try:
        async with websockets.connect(url, compression=None, open_timeout=10, max_size=None,
                                      ssl=tls_for(url)) as ws:
            async for message in ws:
                messages.append(message)
                if echo:
                    await ws.send(message)
    except (websockets.ConnectionClosed, websockets.InvalidHandshake, OSError):
        pass
    return messages


async def main(url, agent):
    got = await one(url + "/getCaseCount", False)
    count = int(got[0])
    a = urllib.parse.quote(agent, safe="")
    for n in range(1, count + 1):
        await one(f"{url}/runCase?case={n}&agent={a}", True)
    await one(f"{url}/updateReports?agent={a}", False)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
