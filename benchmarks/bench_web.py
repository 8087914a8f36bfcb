"""Web: the privacy notice page, the one-click unsubscribe and the cookie-receipt endpoint under
``wrk`` on loopback, against a bare FastAPI endpoint measured in the same run.

Target (issue 12, "Benchmarks"): each Steward endpoint reaches at least 50% of the requests per
second of the bare endpoint (``benchmarks/bare_app.py``), served by the same uvicorn with the
same number of workers. Both servers run side by side; for each endpoint the bare one is
measured, then Steward's, so background load on the machine hits both alike.

- Steward runs as ``steward serve --workers N`` over a migrated store in a temporary directory
  (SQLite; PostgreSQL too when it answers on 127.0.0.1:5432), with the Outserve manifest.
- The notice page is ``GET /privacy`` against the bare ``GET /`` (a small HTML string).
- The one-click unsubscribe is ``POST /u/{token}`` with ``List-Unsubscribe=One-Click`` (RFC
  8058), each request with a token not used before (a person's first unsubscribe, which writes
  the ledger event and its audit link: the costly case; a repeat records nothing).
- The receipt is ``POST /api/banner/receipts`` as ``banner.js`` sends it, from an allowed
  origin, each with a new receipt id and a new visitor (a first choice: a person, one event per
  category and their audit events), each from its own source address in ``X-Forwarded-For`` as a
  reverse proxy would pass it (one address would meet the rate limit of 60 a minute).
- The bare ``POST /`` gets the same requests, bodies and headers, and answers 204.

wrk (``make wrk`` installs it) runs closed-loop: ``-t2 -c32`` keeps 32 requests in flight, so
latencies are under saturation, not at a fixed rate. wrk and the server share this machine's
cores, so the figures are lower than on a server with wrk elsewhere; the ratio is the point.
Environment: BENCH_WEB_SECONDS (per measurement, default 10), BENCH_WEB_WORKERS (default
``1,2``), BENCH_WEB_STORES (default ``sqlite,postgresql``), BENCH_WEB_TOKENS (unsubscribe tokens
per run, default 5000).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "examples" / "outserve" / "fixed"
SECONDS = int(os.environ.get("BENCH_WEB_SECONDS", "10"))
WARMUP = max(1, min(3, SECONDS // 3))
WORKERS = [int(n) for n in os.environ.get("BENCH_WEB_WORKERS", "1,2").split(",")]
STORES = os.environ.get("BENCH_WEB_STORES", "sqlite,postgresql").split(",")
TOKENS = int(os.environ.get("BENCH_WEB_TOKENS", "5000"))
THREADS, CONNECTIONS = 2, 32
TARGET = 0.5
ORIGIN = "https://www.outserve.example"
PURPOSE = "contact_marketing"
PG_SERVER = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"

# One script for every POST: the same body and headers go to the bare app and to Steward. Each
# wrk thread takes every THREADS-th line of the token file, so no token is used twice.
LUA = r"""
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  kind, prefix, salt = args[1], args[2], args[3]
  tokens = {}
  if kind == "unsubscribe" then
    for line in io.lines(args[4]) do tokens[#tokens + 1] = line end
  end
  n = 0
  wrk.method = "POST"
end
function request()
  n = n + 1
  local headers = {}
  local path, body
  if kind == "unsubscribe" then
    local token = tokens[((n - 1) * THREADS + id) % #tokens + 1]
    path = prefix == "" and "/" or prefix .. token
    body = "List-Unsubscribe=One-Click"
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  else
    path = prefix == "" and "/" or prefix
    local yes = (n % 2 == 0) and "true" or "false"
    body = string.format(
      '{"receipt":"%s","visitor":"%s","digest":"%s","variant":"%s","via":"banner",'
      .. '"gpc":false,"choices":{%s}}',
      string.format("%s%02dr%011d", salt, id, n), string.format("%s%02dv%011d", salt, id, n),
      DIGEST, VARIANT, (string.gsub(CHOICES, "X", yes)))
    headers["Content-Type"] = "application/json"
    headers["Origin"] = "ORIGIN"
    local high, low = math.floor(n / 256) % 256, n % 256
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", id, high, low)
  end
  return wrk.format(nil, path, headers, body)
end
"""


@dataclass(frozen=True)
class Result:
    """One wrk run: requests per second and latency percentiles in milliseconds."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    failed: int


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    steward_path: str  # for POSTs, the prefix the Lua script completes
    kind: str  # "get", "unsubscribe" or "receipt"


ENDPOINTS = (
    Endpoint("notice page `GET /privacy`", "GET", "/privacy", "get"),
    Endpoint("one-click unsubscribe `POST /u/{token}`", "POST", "/u/", "unsubscribe"),
    Endpoint(
        "cookie receipt `POST /api/banner/receipts`", "POST", "/api/banner/receipts", "receipt"
    ),
)


def wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError(
            "wrk is missing: the web benchmark needs it. Install it with `make wrk` "
            "(apt-get install wrk) and run again."
        )
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def steward(args: list[str], env: dict[str, str]) -> None:
    """One ``steward`` command in its own interpreter, as an operator runs it."""
    subprocess.run(
        [sys.executable, "-c", "from steward.cli.main import run; run()", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextmanager
def postgres_url() -> Iterator[str]:
    import psycopg

    name = f"webbench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_SERVER):
            return True
    except Exception:
        return False


def prepared_env(data: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "STEWARD_DATA_DIR": str(data),
            "STEWARD_MANIFEST": str(MANIFEST),
            "STEWARD_WEB_BANNER_ORIGINS": ORIGIN,
        }
    )
    if database_url is not None:
        env["STEWARD_DATABASE_URL"] = database_url
    steward(["db", "upgrade"], env)
    steward(["keys", "init"], env)
    return env


def issue_tokens(env: dict[str, str], count: int, tag: str) -> list[str]:
    """``count`` people in the ledger, each with an unsubscribe token for a marketing purpose,
    as ``steward marketing headers`` issues them."""
    code = (
        "import sys\n"
        "from steward.bootstrap import load_settings, open_store, purpose_catalogue\n"
        "from steward.services.unsubscribe import issue_token\n"
        "from steward.store import ledger\n"
        "settings = load_settings()\n"
        "store = open_store(settings)\n"
        "purposes = purpose_catalogue(settings)\n"
        "count, tag, purpose = int(sys.argv[1]), sys.argv[2], sys.argv[3]\n"
        "out = []\n"
        "for start in range(0, count, 500):\n"
        "    with store.unit_of_work(actor='bench') as uow:\n"
        "        for n in range(start, min(count, start + 500)):\n"
        "            person = ledger.ensure_person(uow, email=f'{tag}{n}@example.org')\n"
        "            out.append(issue_token(uow, person, purpose, 'email', purposes=purposes))\n"
        "        uow.commit()\n"
        "store.engine.dispose()\n"
        "sys.stdout.write('\\n'.join(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(count), tag, PURPOSE],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return done.stdout.split()


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int, ready: str) -> Iterator[str]:
    """A server started by ``command`` (its own process group), until it answers ``ready``."""
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + ready, timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"the server {command} did not start:\n{error[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def bare_command(port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "benchmarks.bare_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--proxy-headers",
    ]


def steward_command(port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from steward.cli.main import run; run()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse(output: str) -> Result:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    failed = 0
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if bad:
        failed += int(bad.group(1))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        failed += sum(int(g) for g in errors.groups())
    return Result(rps, p50, p99, requests, failed)


def load(
    base: str, endpoint: Endpoint, seconds: int, script: Path | None, args: list[str]
) -> Result:
    command = [wrk(), f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    path = endpoint.steward_path if endpoint.kind == "get" else ""
    command.append(base + path)
    if args:
        command += ["--", *args]
    done = subprocess.run(
        command, check=True, stdout=subprocess.PIPE, text=True, timeout=seconds + 60
    )
    return parse(done.stdout)


def banner_offer(base: str) -> tuple[str, str, str]:
    """The digest, variant and choosable categories the banner is shown (a Lua choices template)."""
    with urllib.request.urlopen(base + "/api/banner/config", timeout=10) as answer:
        config = json.loads(answer.read())
    choosable = [c["id"] for c in config["categories"] if c["choice"] != "always"]
    choices = ",".join(f'\\"{c}\\":X' for c in choosable)
    return config["digest"], config["variant"], choices


def script_for(folder: Path, digest: str, variant: str, choices: str) -> Path:
    text = (
        LUA.replace("THREADS", str(THREADS))
        .replace("DIGEST", f'"{digest}"')
        .replace("VARIANT", f'"{variant}"')
        .replace("CHOICES", f'"{choices}"')
        .replace('"ORIGIN"', f'"{ORIGIN}"')
    )
    path = folder / "post.lua"
    path.write_text(text)
    return path


def measure_store(store: str, folder: Path) -> list[tuple[int, Endpoint, Result, Result]]:
    """For each worker count and endpoint: (workers, endpoint, bare, Steward)."""
    found: list[tuple[int, Endpoint, Result, Result]] = []
    context = postgres_url() if store == "postgresql" else _no_url()
    with context as url:
        env = prepared_env(folder / store, url)
        for workers in WORKERS:
            tag = f"w{workers}-"
            tokens = issue_tokens(env, TOKENS, tag)
            warm_tokens = issue_tokens(env, 200, f"warm{workers}-")
            token_file = folder / f"tokens-{store}-{workers}.txt"
            token_file.write_text("\n".join(tokens) + "\n")
            warm_file = folder / f"warm-{store}-{workers}.txt"
            warm_file.write_text("\n".join(warm_tokens) + "\n")
            bare_port, steward_port = free_port(), free_port()
            with (
                serving(bare_command(bare_port, workers), env, bare_port, "/") as bare,
                serving(
                    steward_command(steward_port, workers), env, steward_port, "/privacy"
                ) as web,
            ):
                script = script_for(folder, *banner_offer(web))
                for endpoint in ENDPOINTS:
                    salt = uuid.uuid4().hex[:8]
                    if endpoint.kind == "get":
                        lua, bare_args, web_args, warm_args = None, [], [], []
                    else:
                        lua = script
                        bare_args = [endpoint.kind, "", salt, str(token_file)]
                        web_args = [endpoint.kind, endpoint.steward_path, salt, str(token_file)]
                        warm_args = [
                            endpoint.kind,
                            endpoint.steward_path,
                            "warm" + salt[:4],
                            str(warm_file),
                        ]
                    load(bare, endpoint, WARMUP, lua, bare_args)
                    load(web, endpoint, WARMUP, lua, warm_args)
                    bare_result = load(bare, endpoint, SECONDS, lua, bare_args)
                    web_result = load(web, endpoint, SECONDS, lua, web_args)
                    if endpoint.kind == "unsubscribe" and web_result.requests > len(tokens):
                        print(
                            f"note: {web_result.requests} unsubscribes for {len(tokens)} tokens; "
                            "the rest repeated a token",
                            file=sys.stderr,
                        )
                    found.append((workers, endpoint, bare_result, web_result))
    return found


@contextmanager
def _no_url() -> Iterator[None]:
    yield None


def _row(store: str, workers: int, endpoint: Endpoint, bare: Result, web: Result) -> str:
    ratio = web.rps / bare.rps
    mark = "met" if ratio >= TARGET else "**not met**"
    return (
        f"| {endpoint.name} | {store} | {workers} | {web.rps:,.0f}{_failed(web)} | "
        f"{web.p50_ms:.1f} / {web.p99_ms:.1f} | {bare.rps:,.0f}{_failed(bare)} | "
        f"{bare.p50_ms:.1f} / {bare.p99_ms:.1f} | {ratio:.0%} ({mark}) |"
    )


def _failed(result: Result) -> str:
    return f" ({result.failed} of {result.requests} failed)" if result.failed else ""


def run() -> str:
    wrk()  # fail at once, and clearly, when wrk is missing
    stores = [s for s in STORES if s != "postgresql" or postgres_answers()]
    rows: list[str] = []
    failures = 0
    for store in stores:
        with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
            for workers, endpoint, bare, web in measure_store(store, Path(folder)):
                rows.append(_row(store, workers, endpoint, bare, web))
                failures += bare.failed + web.failed
    version = subprocess.run([wrk(), "-v"], stdout=subprocess.PIPE, text=True).stdout
    version = version.split("[")[0].strip() or "wrk"
    load = os.getloadavg()[0]
    skipped = [s for s in STORES if s not in stores]
    return "\n".join(
        [
            "## Web: notice page, one-click unsubscribe, cookie receipt (wrk, loopback)",
            "",
            f"{version}, `-t{THREADS} -c{CONNECTIONS} -d{SECONDS}s --latency` on 127.0.0.1 after a "
            f"{WARMUP} s warm-up; Steward as `steward serve --workers N` (uvicorn, asyncio and "
            "h11: neither uvloop nor httptools is installed) and the bare FastAPI app "
            "(`benchmarks/bare_app.py`) under the same uvicorn with the same workers, measured "
            "alternately in the same run. wrk and the servers share this machine's "
            f"{os.cpu_count()} cores (load average {load:.1f} when it ended), so the absolute "
            "figures are lower than with wrk on another machine; the ratio is what the target "
            "judges. Latency is under saturation (32 requests always in flight), not at a fixed "
            "rate. The notice page is the Outserve privacy notice; the bare `GET /` answers a "
            "small HTML string. Every unsubscribe uses a token not used before (a person's "
            "first unsubscribe: the ledger event and its audit link are written); every receipt "
            "is a new visitor's first choice (a person, one event per category, audit events), "
            "each from its own address in `X-Forwarded-For`, as a reverse proxy passes it. The "
            "bare `POST /` gets the same requests and answers 204 without reading them.",
            "",
            "| endpoint | store | workers | Steward req/s | Steward p50 / p99 ms | "
            "bare req/s | bare p50 / p99 ms | Steward / bare |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"Target: each endpoint ≥ {TARGET:.0%} of the bare endpoint's requests per second."
            + (f" Not measured on {', '.join(skipped)} (not reachable)." if skipped else "")
            + (f" {failures} requests failed (non-2xx or socket errors)." if failures else ""),
            "",
        ]
    )
