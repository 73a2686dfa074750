"""Latency of the reviewer's pages under load, against a page that does no work of its own.

Builds a throwaway PostgreSQL database with a realistic cycle (300 agencies, 300 reviews of 15
findings each, 25 reviewers), serves it with gunicorn and has 25 signed-in reviewers request, in
turn for a fixed time each: a minimal page (the floor: same middleware and session lookup), the
first step of one of their reviews, and "My reviews". Prints requests, throughput and
percentiles for each. Those views do not save, so after its first view in each gunicorn worker
the step is served as kept (see README, "Reviews"). A last phase has every user save the step
and open it again, and times that first view after a save, which renders the step afresh.

Floor on a 2-core machine: the review step's p95 at most twice the minimal page's p95.

    .venv/bin/python benchmarks/review_pages.py [--agencies 300] [--users 25] [--seconds 20]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Exits 0 whatever the figures (it is a benchmark), non-zero if the setup fails.
"""

import argparse
import hashlib
import http.client
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "bench_review_pages"
SETTINGS = "benchmarks.settings"
PASSWORD = "bench-password"  # noqa: S105
WORKERS = 4
THREADS = 1
MODERATORS = 5
PAGES_PER_POLICY = 10
FLOOR_RATIO = 2.0
MINIMAL_PATH = "/bench/minimal/"
AFTER_SAVE = "Step after a save"

PARAGRAPH = (
    "Staff must keep personal social media separate from any professional use and must not "
    "befriend children or young people they work with on social media. Images of children are "
    "taken only on equipment supplied by the organisation, with consent, and stored securely."
)
QUOTE = "Staff must not befriend children or young people they work with on social media."


# --- The database ---------------------------------------------------------------------------


def bench_url(admin_url: str) -> str:
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def admin_sql(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


def create_database(admin_url: str) -> None:
    drop_database(admin_url)
    admin_sql(admin_url, f"CREATE DATABASE {BENCH_DATABASE}")


def drop_database(admin_url: str) -> None:
    admin_sql(admin_url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def manage(*arguments: str, env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def page_text(agency: int, page: int) -> str:
    """About 1,000 characters in paragraphs separated by blank lines."""
    heading = f"Agency {agency}, page {page}."
    return "\n\n".join([heading, PARAGRAPH, PARAGRAPH, PARAGRAPH, PARAGRAPH])


def seed(*, agencies: int, users: int) -> dict[str, int]:
    """Fill the database with bulk inserts. Returns each reviewer's email and one review of
    theirs."""
    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from accounts.models import User
    from policies.generate import make_pdf
    from policies.models import Agency, PolicyDocument, PolicyPage, PolicyVersion
    from reviews.models import Finding, Framework, Review, ReviewCycle

    framework = Framework.objects.filter(code="lscb-social-media").order_by("-version").first()
    if framework is None:
        raise RuntimeError("load_frameworks did not load the LSCB framework")
    expectations = list(framework.expectations.order_by("order"))
    today = timezone.localdate()
    now = timezone.now()

    password = make_password(PASSWORD)
    reviewers = User.objects.bulk_create(
        User(
            email=f"reviewer{n}@bench.test",
            full_name=f"Reviewer {n}",
            is_reviewer=True,
            password=password,
        )
        for n in range(1, users + 1)
    )
    moderators = User.objects.bulk_create(
        User(
            email=f"moderator{n}@bench.test",
            full_name=f"Moderator {n}",
            is_moderator=True,
            password=password,
        )
        for n in range(1, MODERATORS + 1)
    )

    sectors = [choice for choice, _ in Agency.Sector.choices]
    agency_rows = Agency.objects.bulk_create(
        Agency(name=f"Bench agency {n:04d}", sector=sectors[n % len(sectors)])
        for n in range(1, agencies + 1)
    )
    documents = PolicyDocument.objects.bulk_create(
        PolicyDocument(agency=agency, title="Social media policy") for agency in agency_rows
    )
    pdf = make_pdf(
        [[f"Page {n}.", PARAGRAPH, PARAGRAPH] for n in range(1, PAGES_PER_POLICY + 1)],
        title="Social media policy",
    )
    file_name = default_storage.save("policies/bench/policy.pdf", ContentFile(pdf))
    versions = PolicyVersion.objects.bulk_create(
        PolicyVersion(
            document=document,
            number=1,
            file=file_name,
            file_kind=PolicyVersion.FileKind.PDF,
            media_type="application/pdf",
            original_filename="social-media-policy.pdf",
            sha256=hashlib.sha256(f"bench-policy-{document.pk}".encode()).hexdigest(),
            size=len(pdf),
            page_count=PAGES_PER_POLICY,
            owner="Head of safeguarding",
            version_label="1.0",
            document_date=today - timedelta(days=200),
            next_review_date=today + timedelta(days=165),
            status=PolicyVersion.Status.READY,
            checked_at=now,
        )
        for document in documents
    )
    for document, version in zip(documents, versions, strict=True):
        document.current_version = version
    PolicyDocument.objects.bulk_update(documents, ["current_version"])
    PolicyPage.objects.bulk_create(
        (
            PolicyPage(version=version, number=page, text=page_text(index, page))
            for index, version in enumerate(versions, start=1)
            for page in range(1, PAGES_PER_POLICY + 1)
        ),
        batch_size=1000,
    )

    cycle = ReviewCycle.objects.create(
        name="Benchmark social media policy review",
        framework=framework,
        opens_on=today - timedelta(days=14),
        closes_on=today + timedelta(days=76),
    )
    cycle.agencies.set(agency_rows)
    reviews = Review.objects.bulk_create(
        Review(
            cycle=cycle,
            policy_version=version,
            agency=agency,
            framework=framework,
            reviewer=reviewers[index % len(reviewers)],
            moderator=moderators[index % len(moderators)],
            due_on=today + timedelta(days=30 + index % 40),
            state=Review.State.IN_PROGRESS,
        )
        for index, (agency, version) in enumerate(zip(agency_rows, versions, strict=True))
    )
    Finding.objects.bulk_create(
        (
            Finding(
                review=review,
                expectation=expectation,
                rating=Finding.Rating.MET,
                evidence_quote=QUOTE,
                evidence_page=1 + position % PAGES_PER_POLICY,
            )
            if position % 2 == 0
            else Finding(review=review, expectation=expectation)
            for review in reviews
            for position, expectation in enumerate(expectations)
        ),
        batch_size=2000,
    )

    chosen: dict[str, int] = {}
    for review in reviews:
        chosen.setdefault(review.reviewer.email, review.pk)
    return chosen


# --- The server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, env: dict, log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log_path.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", MINIMAL_PATH)
            connection.getresponse().read()
            connection.close()
            return process
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(process)
    raise RuntimeError(f"gunicorn did not answer within 30 s:\n{log_path.read_text()}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- The load -------------------------------------------------------------------------------


class Session:
    """One person's browser: keeps cookies, one connection per request (gunicorn's sync
    workers close each connection)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.getheader("Location"), content
        finally:
            connection.close()

    def sign_in(self, email: str) -> None:
        status, _, content = self.request("GET", "/sign-in/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or match is None:
            raise RuntimeError(f"sign-in page for {email}: status {status}, no CSRF token")
        status, location, _ = self.request(
            "POST",
            "/sign-in/",
            {
                "csrfmiddlewaretoken": match.group(1).decode(),
                "username": email,
                "password": PASSWORD,
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in as {email} failed: status {status}, location {location}")


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_load(port: int, chosen: dict[str, int], seconds: float) -> list[Phase]:
    phases = [Phase("Minimal page (floor)"), Phase("Review step 1"), Phase("My reviews")]
    after_save = Phase(AFTER_SAVE)

    def paths(review_pk: int) -> list[str]:
        return [MINIMAL_PATH, f"/reviews/{review_pk}/section/1/", "/reviews/"]

    sessions = {email: Session(port) for email in chosen}
    barrier = threading.Barrier(len(sessions))
    failures: list[str] = []

    def person(email: str, review_pk: int) -> None:
        session = sessions[email]
        try:
            session.sign_in(email)
            # Warm up: templates compiled and connections open in every worker.
            for path in paths(review_pk):
                for _ in range(2):
                    session.request("GET", path)
        except Exception as error:  # noqa: BLE001
            failures.append(f"{email}: {error}")
            barrier.abort()
            return
        for phase, path in zip(phases, paths(review_pk), strict=True):
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                return
            start = time.perf_counter()
            deadline = start + seconds
            latencies, errors = [], []
            while time.perf_counter() < deadline:
                before = time.perf_counter()
                try:
                    status, location, content = session.request("GET", path)
                except OSError as error:
                    errors.append(f"{path}: {error!r}")
                    continue
                latencies.append(time.perf_counter() - before)
                if status != 200:
                    errors.append(f"{path}: status {status} {location or content[:120]!r}")
                elif path == MINIMAL_PATH and content != b"ok":
                    errors.append(f"{path}: answered {content[:40]!r}, not signed in")
            end = time.perf_counter()
            with phase.lock:
                phase.latencies.extend(latencies)
                phase.errors.extend(errors)
                phase.started = min(phase.started or start, start)
                phase.ended = max(phase.ended, end)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        save_and_view(session, paths(review_pk)[1])

    def save_and_view(session: Session, step: str) -> None:
        """Save the step ("Save and come back later"), then open it again: the first view
        after a save, which renders it afresh. Only that view is timed."""
        start = time.perf_counter()
        deadline = start + seconds
        latencies, errors = [], []
        _, _, page = session.request("GET", step)
        while time.perf_counter() < deadline:
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            version = re.search(rb'name="lock_version" value="(\d+)"', page)
            if token is None or version is None:
                errors.append(f"{step}: no form to save")
                break
            form = {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "lock_version": version.group(1).decode(),
                "later": "1",
            }
            status, _, _ = session.request("POST", step, form)
            if status != 302:
                errors.append(f"{step}: saving answered {status}")
            before = time.perf_counter()
            status, _, page = session.request("GET", step)
            latencies.append(time.perf_counter() - before)
            if status != 200:
                errors.append(f"{step}: status {status}")
        end = time.perf_counter()
        with after_save.lock:
            after_save.latencies.extend(latencies)
            after_save.errors.extend(errors)
            after_save.started = min(after_save.started or start, start)
            after_save.ended = max(after_save.ended, end)

    threads = [
        threading.Thread(target=person, args=(email, pk), daemon=True)
        for email, pk in chosen.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=(len(phases) + 1) * seconds + 300)
    if failures:
        raise RuntimeError("simulated users could not start:\n" + "\n".join(failures))
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("simulated users did not finish in time")
    return [*phases, after_save]


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    # Nearest rank: the smallest value with at least this fraction of values at or below it.
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def report(phases: list[Phase]) -> None:
    header = (
        f"{'page':<22} {'requests':>9} {'req/s':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    print(header)
    print("-" * len(header))
    p95 = {}
    for phase in phases:
        values = sorted(phase.latencies)
        duration = max(phase.ended - phase.started, 1e-9)
        p95[phase.name] = percentile(values, 0.95)
        print(
            f"{phase.name:<22} {len(values):>9} {len(values) / duration:>8.1f} "
            f"{percentile(values, 0.50) * 1000:>8.1f} {p95[phase.name] * 1000:>8.1f} "
            f"{percentile(values, 0.99) * 1000:>8.1f} {len(phase.errors):>7}"
        )
    for phase in phases:
        for error in phase.errors[:20]:
            print(f"  error on {phase.name}: {error}")
        if len(phase.errors) > 20:
            print(f"  ... and {len(phase.errors) - 20} more on {phase.name}")
    print(
        f"({AFTER_SAVE}: the first view after each save, timed alone while every user saves "
        "and reopens the step; shown beside the floor, not part of it.)"
    )
    ratio = p95["Review step 1"] / p95["Minimal page (floor)"]
    errors = sum(len(phase.errors) for phase in phases)
    verdict = "PASS" if ratio <= FLOOR_RATIO and errors == 0 else "FAIL"
    print()
    print(f"review step p95 / minimal p95 = {ratio:.2f}  (floor: ≤ {FLOOR_RATIO})  {verdict}")
    if errors:
        print(f"FAIL: {errors} requests did not answer 200")


# --- The run --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=300)
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="A PostgreSQL server and a database to connect to while creating the benchmark's.",
    )
    args = parser.parse_args()
    if args.users > args.agencies:
        parser.error("--users must not exceed --agencies: every reviewer needs a review")

    media = Path(tempfile.mkdtemp(prefix="bench-review-pages-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": bench_url(args.database_url),
        "BENCH_MEDIA_ROOT": str(media),
    }
    os.environ.update(env)
    started = time.perf_counter()
    try:
        create_database(args.database_url)
    except Exception:
        shutil.rmtree(media, ignore_errors=True)
        raise
    server = None
    try:
        manage("migrate", "--no-input", env=env)
        manage("load_frameworks", env=env)

        import django

        django.setup()
        from django.db import connections

        chosen = seed(agencies=args.agencies, users=args.users)
        connections.close_all()
        print(
            f"Seeded {args.agencies} agencies, {args.agencies} reviews of 15 findings, "
            f"{args.users} reviewers in {time.perf_counter() - started:.1f} s"
        )

        port = free_port()
        server = start_gunicorn(port, env, media / "gunicorn.log")
        print(
            f"gunicorn on 127.0.0.1:{port}: {WORKERS} workers x {THREADS} thread (sync), "
            f"{os.cpu_count()} CPU cores; {args.users} users, {args.seconds:g} s per page"
        )
        phases = run_load(port, chosen, args.seconds)
        stop_gunicorn(server)
        server = None
        print()
        report(phases)
        return 0
    finally:
        if server is not None:
            stop_gunicorn(server)
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        try:
            drop_database(args.database_url)
        except Exception as error:  # noqa: BLE001
            print(f"Could not drop {BENCH_DATABASE}: {error}", file=sys.stderr)
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
