"""Benchmark of the mock CPO over loopback (no speed asserts: it prints figures).

1. A paginated crawl of 10,000 Locations (``Link`` followed verbatim): objects/s, and the peak
   memory (VmHWM / ru_maxrss) of the server process.
2. Requests/s of a small authenticated GET (our credentials) against the mock, compared in the
   same run with a bare Starlette hello-world on uvicorn: the ratio is the mock's overhead
   (authentication, routing, envelope, schema validation of every response, CallLog).

    python bench/mock_partner.py [--locations 10000] [--page-size 1000] [--requests 2000]
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-partner-token"

HELLO = """
import socket, uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

async def hello(request):
    return PlainTextResponse("hello")

# bound like mock_partners.server.bind_socket: TCP_NODELAY, or small answers wait for ACKs
sock = socket.socket()
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
sock.bind(("127.0.0.1", 0))
sock.listen(128)
print("url:", "http://127.0.0.1:%d" % sock.getsockname()[1], flush=True)
app = Starlette(routes=[Route("/", hello)])
try:
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
except KeyboardInterrupt:
    pass
"""


def start_mock(locations: int, page_size: int) -> tuple[subprocess.Popen[str], dict[str, str]]:
    command = [
        sys.executable, "-m", "harness.cli", "mock", "cpo", "--port", "0", "--seed", "1",
        "--locations", str(locations), "--max-page-size", str(page_size),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    banner: dict[str, str] = {}
    assert process.stdout is not None
    for line in process.stdout:
        key, _, value = line.partition(":")
        banner[key.strip()] = value.strip().split()[0] if value.strip() else ""
        if line.startswith("admin token"):
            break
    return process, banner


def start_hello() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HELLO], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, line.split("url:", 1)[1].strip()


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM of a running process (Linux), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)


def crawl(client: httpx.Client, url: str) -> tuple[int, int, float]:
    objects = pages = 0
    started = time.perf_counter()
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url)
        response.raise_for_status()
        objects += len(response.json()["data"])
        pages += 1
        next_url = response.links.get("next", {}).get("url")
    return objects, pages, time.perf_counter() - started


def rate(client: httpx.Client, url: str, count: int) -> float:
    for _ in range(50):  # warm up
        client.get(url)
    started = time.perf_counter()
    for _ in range(count):
        client.get(url).raise_for_status()
    return count / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--locations", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()

    mock, banner = start_mock(args.locations, args.page_size)
    root = banner["versions URL"].rsplit("/ocpi/", 1)[0]
    try:
        admin = {"Authorization": f"Token {banner['admin token']}"}
        partner = {
            "token": TOKEN,
            "version": "2.2.1",
            "roles": [{"role": "EMSP", "country_code": "NL", "party_id": "MSP"}],
        }
        httpx.post(
            f"{root}/_mock/partners", json=partner, headers=admin, timeout=30
        ).raise_for_status()
        headers = {"Authorization": "Token " + base64.b64encode(TOKEN.encode()).decode()}
        with httpx.Client(headers=headers, timeout=120, verify=False) as client:
            url = f"{root}/ocpi/cpo/2.2.1/locations?limit={args.page_size}"
            objects, pages, seconds = crawl(client, url)
            peak = peak_rss_mib(mock.pid)
            again, _, warm_seconds = crawl(client, url)
            mock_rate = rate(client, f"{root}/ocpi/cpo/2.2.1/credentials", args.requests)
    finally:
        stop(mock)
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    hello, hello_url = start_hello()
    try:
        with httpx.Client(timeout=30, verify=False) as client:
            hello_rate = rate(client, hello_url + "/", args.requests)
    finally:
        stop(hello)

    cpus = os.cpu_count()
    print(
        f"mock CPO, OCPI 2.2.1, {args.locations} locations, pages of {args.page_size} ({cpus} CPUs)"
    )
    speed = objects / seconds
    print(
        f"  crawl:  {objects} objects in {pages} pages, {seconds:.2f} s -> {speed:,.0f} objects/s"
    )
    print(
        f"  again:  {again} objects, {warm_seconds:.2f} s -> {again / warm_seconds:,.0f} objects/s"
    )
    if peak is not None:
        print(f"  server peak memory (VmHWM after the first crawl): {peak:.1f} MiB")
    print(f"  server peak memory (ru_maxrss): {children_peak:.1f} MiB")
    print(f"small authenticated GET (credentials), {args.requests} sequential requests, keep-alive")
    print(f"  mock:        {mock_rate:,.0f} requests/s")
    print(f"  hello world: {hello_rate:,.0f} requests/s")
    print(f"  ratio:       {hello_rate / mock_rate:.2f}x slower than a bare Starlette app")
    return 0


if __name__ == "__main__":
    sys.exit(main())
