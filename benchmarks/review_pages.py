"""Latency of the reviewer's pages under load, against a page that does no work of its own.

Builds a throwaway PostgreSQL database with a realistic cycle (300 agencies, 300 reviews of 15
findings each, 25 reviewers), serves it with gunicorn and has 25 signed-in reviewers each do, over
and over for a fixed time, what a reviewer does: open a minimal page (the floor: same middleware
and session lookup), save the first step of one of their reviews and open it again, and open
"My reviews". Every view renders afresh (no page is kept). Prints requests, throughput and
percentiles for each page, all timed in the same run.

Floors on a 2-core machine, at the 95th percentile: the step after a save at most three times
the minimal page, "My reviews" at most twice.

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
RECOVERY_CODE = "benchrecovery"
WORKERS = 4
THREADS = 1
MODERATORS = 5
PAGES_PER_POLICY = 10
MINIMAL_PATH = "/bench/minimal/"
LIST_PATH = "/reviews/"
MINIMAL = "Minimal page (floor)"
AFTER_SAVE = "Step after a save"
MY_REVIEWS = "My reviews"
# How much slower than the minimal page each page may be, at the 95th percentile.
FLOORS = {AFTER_SAVE: 3.0, MY_REVIEWS: 2.0}

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
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from demo.documents import make_pdf
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
    # Each reviewer has an authenticator app and a recovery code to sign in with.
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=reviewer, name="Bench app", confirmed=True) for reviewer in reviewers
    )
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=RECOVERY_CODE)
        for device in StaticDevice.objects.bulk_create(
            StaticDevice(user=reviewer, name="Bench recovery codes", confirmed=True)
            for reviewer in reviewers
        )
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
        # Board members sign in with a second factor: here, one of their recovery codes.
        status, _, content = self.request("GET", "/sign-in/code/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or match is None:
            raise RuntimeError(f"code page for {email}: status {status}, no CSRF token")
        status, location, _ = self.request(
            "POST",
            "/sign-in/code/",
            {"csrfmiddlewaretoken": match.group(1).decode(), "code": RECOVERY_CODE},
        )
        if status != 302:
            raise RuntimeError(f"second factor for {email} refused: status {status}")


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def step_answers(page: bytes) -> dict[str, str]:
    """What a reviewer sends when saving the step: an answer to each of its findings."""
    total = re.search(rb'name="findings-TOTAL_FORMS" value="(\d+)"', page)
    if total is None:
        raise ValueError("no formset on the step")
    count = int(total.group(1))
    form = {"findings-TOTAL_FORMS": str(count), "findings-INITIAL_FORMS": str(count)}
    for index in range(count):
        form[f"findings-{index}-rating"] = "met"
        form[f"findings-{index}-evidence_quote"] = QUOTE
        form[f"findings-{index}-evidence_page"] = str(1 + index % PAGES_PER_POLICY)
    return form


def run_load(port: int, chosen: dict[str, int], seconds: float) -> list[Phase]:
    """Every user, in turn and for `seconds`: the minimal page, a save of their step and the
    step again (timed: the first view after a save), and "My reviews"."""
    phases = {name: Phase(name) for name in (MINIMAL, AFTER_SAVE, MY_REVIEWS)}
    sessions = {email: Session(port) for email in chosen}
    barrier = threading.Barrier(len(sessions))
    failures: list[str] = []

    def person(email: str, review_pk: int) -> None:
        session = sessions[email]
        step = f"/reviews/{review_pk}/section/1/"
        try:
            session.sign_in(email)
            # Warm up: templates compiled and connections open in every worker.
            for path in (MINIMAL_PATH, step, LIST_PATH):
                for _ in range(2):
                    _, _, page = session.request("GET", path)
            status, location, page = session.request("GET", step)
            if status != 200:
                raise RuntimeError(f"{step}: status {status} {location or page[:300]!r}")
            answers = step_answers(page)
        except Exception as error:  # noqa: BLE001
            failures.append(f"{email}: {error}")
            barrier.abort()
            return
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        timings: dict[str, list[float]] = {name: [] for name in phases}
        errors: dict[str, list[str]] = {name: [] for name in phases}
        start = time.perf_counter()
        deadline = start + seconds

        def timed(name: str, path: str) -> bytes:
            before = time.perf_counter()
            try:
                status, location, content = session.request("GET", path)
            except OSError as error:
                errors[name].append(f"{path}: {error!r}")
                return b""
            timings[name].append(time.perf_counter() - before)
            if status != 200:
                errors[name].append(f"{path}: status {status} {location or content[:120]!r}")
            elif path == MINIMAL_PATH and content != b"ok":
                errors[name].append(f"{path}: answered {content[:40]!r}, not signed in")
            return content

        while time.perf_counter() < deadline:
            timed(MINIMAL, MINIMAL_PATH)
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            version = re.search(rb'name="lock_version" value="(\d+)"', page)
            if token is None or version is None:
                errors[AFTER_SAVE].append(f"{step}: no form to save")
                break
            form = {
                **answers,
                "csrfmiddlewaretoken": token.group(1).decode(),
                "lock_version": version.group(1).decode(),
                "later": "1",
            }
            try:
                status, _, _ = session.request("POST", step, form)
            except OSError as error:
                errors[AFTER_SAVE].append(f"{step}: saving: {error!r}")
                continue
            if status != 302:
                errors[AFTER_SAVE].append(f"{step}: saving answered {status}")
            page = timed(AFTER_SAVE, step) or page
            timed(MY_REVIEWS, LIST_PATH)
        end = time.perf_counter()
        for name, phase in phases.items():
            with phase.lock:
                phase.latencies.extend(timings[name])
                phase.errors.extend(errors[name])
                phase.started = min(phase.started or start, start)
                phase.ended = max(phase.ended, end)

    threads = [
        threading.Thread(target=person, args=(email, pk), daemon=True)
        for email, pk in chosen.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 300)
    if failures:
        raise RuntimeError("simulated users could not start:\n" + "\n".join(failures))
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("simulated users did not finish in time")
    return list(phases.values())


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
    errors = sum(len(phase.errors) for phase in phases)
    print()
    for name, floor in FLOORS.items():
        ratio = p95[name] / p95[MINIMAL]
        verdict = "PASS" if ratio <= floor else "FAIL"
        print(f"{name} p95 / minimal p95 = {ratio:.2f}  (floor: ≤ {floor:g})  {verdict}")
    if errors:
        print(f"FAIL: {errors} requests did not answer as expected")


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
            f"{os.cpu_count()} CPU cores; {args.users} users, {args.seconds:g} s of load"
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
