"""Slow clients against a server on loopback, and /healthz probed while they are connected.

Each slow client opens a connection, sends a request line and then one header line a second,
never ending the headers; when the server drops it, it reconnects at once (the attack of
issue 8). Once they are all connected, a probe asks `GET /healthz` every INTERVAL seconds, each
on a fresh connection and each given PROBE_TIMEOUT seconds, whether or not the previous one
has answered. Prints the probes answered (200) out of those sent and the latencies' p50 and p99,
an unanswered probe counting as slower than any answer. Exits 1 below the targets.

    python benchmarks/slow_clients.py PORT [--clients 50] [--duration 40]

benchmarks/slow_clients.sh starts the stack and runs this against it. Loopback only.
"""

import argparse
import asyncio
import math
import sys
import time

HOST = "127.0.0.1"


async def slow_client(port: int, stop: asyncio.Event, counts: dict[str, int]) -> None:
    """One header line a second, for ever; a new connection whenever the server drops this one."""
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
        except OSError:
            counts["refused"] += 1
            await asyncio.sleep(0.5)
            continue
        counts["opened"] += 1
        try:
            writer.write(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n".encode())
            line = 0
            while not stop.is_set():
                await writer.drain()
                try:
                    # Anything read, even the end of the stream, means the server gave up on us.
                    await asyncio.wait_for(reader.read(4096), timeout=1)
                    counts["dropped"] += 1
                    break
                except TimeoutError:
                    pass
                writer.write(f"X-Slow-{line}: {'a' * 20}\r\n".encode())
                line += 1
        except OSError:
            counts["dropped"] += 1
        finally:
            writer.close()


async def probe(port: int, timeout: float) -> float | None:
    """Seconds /healthz took to answer 200, or None if it did not within `timeout`."""
    began = time.monotonic()
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(
                f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            status_line = await reader.readline()
            await reader.read()  # the whole answer, as a load balancer would wait for it
    except (TimeoutError, OSError):
        return None
    finally:
        if writer is not None:
            writer.close()
    return time.monotonic() - began if status_line.split()[1:2] == [b"200"] else None


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; math.inf stands for a probe that got no answer."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def shown(seconds: float, timeout: float) -> str:
    return f"> {timeout:g} s (no answer)" if math.isinf(seconds) else f"{seconds * 1000:.0f} ms"


async def attack(args: argparse.Namespace) -> int:
    stop = asyncio.Event()
    counts = {"opened": 0, "dropped": 0, "refused": 0}
    clients = [
        asyncio.create_task(slow_client(args.port, stop, counts)) for _ in range(args.clients)
    ]
    await asyncio.sleep(args.ramp)  # every slow client connected and a few lines in

    probes = []
    began = time.monotonic()
    while time.monotonic() - began < args.duration:
        probes.append(asyncio.create_task(probe(args.port, args.probe_timeout)))
        await asyncio.sleep(args.interval)
    results = await asyncio.gather(*probes)
    stop.set()
    await asyncio.gather(*clients)

    answered = [r for r in results if r is not None]
    latencies = answered + [math.inf] * (len(results) - len(answered))
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    share = len(answered) / len(results)
    print(
        f"{args.clients} slow clients for {args.duration:g} s: {counts['opened']} connections"
        f" opened, {counts['dropped']} dropped by the server, {counts['refused']} refused"
    )
    print(
        f"/healthz probes answered: {len(answered)} / {len(results)} ({share:.1%});"
        f" p50 {shown(p50, args.probe_timeout)}, p99 {shown(p99, args.probe_timeout)}"
        f" (targets: >= {args.min_answered:.0%} answered, p99 < {args.p99_limit * 1000:.0f} ms)"
    )
    if share >= args.min_answered and p99 < args.p99_limit:
        print("OK: the service kept answering")
        return 0
    print("TARGET MISSED: the slow clients held the service", file=sys.stderr)
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=40, help="seconds of probing")
    parser.add_argument("--ramp", type=float, default=3, help="seconds before the first probe")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between probes")
    parser.add_argument("--probe-timeout", type=float, default=2)
    parser.add_argument("--min-answered", type=float, default=0.99)
    parser.add_argument("--p99-limit", type=float, default=1.0, help="seconds")
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or not 0 < args.duration <= 600:
        parser.error("at most 500 clients and 600 s")
    return asyncio.run(attack(args))


if __name__ == "__main__":
    sys.exit(main())
