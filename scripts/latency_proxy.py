"""A loopback HTTP proxy that adds a fixed latency to every request, for the deploy benchmark.

    python scripts/latency_proxy.py UPSTREAM_PORT LATENCY_MS

Listens on a free 127.0.0.1 port, prints `listening on PORT`, and forwards each connection to
127.0.0.1:UPSTREAM_PORT after sleeping LATENCY_MS once per request. Connections are handled
concurrently, as a real endpoint would. It stops when its standard input closes.
"""

import asyncio
import sys


async def pipe(reader, writer, delay):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if delay and data.startswith((b"POST ", b"GET ", b"PUT ", b"HEAD ", b"DELETE ")):
                await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    upstream, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000.0

    async def handle(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream)
        await asyncio.gather(
            pipe(client_reader, server_writer, delay),
            pipe(server_reader, client_writer, 0),
        )

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(f"listening on {server.sockets[0].getsockname()[1]}", flush=True)
    loop = asyncio.get_running_loop()
    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    async with server:
        await asyncio.wait([asyncio.ensure_future(server.serve_forever()), stdin_closed],
                           return_when=asyncio.FIRST_COMPLETED)


asyncio.run(main())
