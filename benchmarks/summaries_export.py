"""Time and peak memory of the year's exports: the XLSX workbook and the PDF annual summary.

Builds a throwaway PostgreSQL database for each size (60 and 300 agencies by default), each
agency with a signed-off review in each of 5 review cycles of one year, 15 findings a review,
and an action on most findings rated Partially met or Not met. Each export is built by the
same code the Celery worker runs, in a fresh process, so the peak memory printed is that
process's own (Django included).

Floor on a 2-core machine at 300 agencies: the workbook in at most 10 s and 500 MB, the PDF in
at most 60 s; both grow about linearly with the number of agencies.

    .venv/bin/python benchmarks/summaries_export.py [--agencies 60 300]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Exits 0 whatever the figures (it is a benchmark), non-zero if the setup fails.
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "bench_summaries_export"
CYCLES = 5
YEAR = 2026
RATINGS = ["met"] * 6 + ["partially_met"] * 2 + ["not_met", "not_applicable"]


def bench_url(admin_url: str) -> str:
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def admin_sql(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


def child_env(database_url: str, media_root: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "BENCH_MEDIA_ROOT": media_root,
    }


def manage(*arguments: str, env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def seed(agencies: int) -> int:
    """Bulk inserts; returns the number of findings."""
    from django.utils import timezone

    from accounts.models import User
    from policies.models import Agency, PolicyDocument, PolicyVersion
    from reviews.models import Finding, Framework, Review, ReviewCycle
    from summaries.models import Action

    rng = random.Random(2026)  # the same data on every run
    framework = Framework.objects.filter(code="lscb-social-media").order_by("-version").first()
    if framework is None:
        raise RuntimeError("load_frameworks did not load the LSCB framework")
    expectations = list(framework.expectations.order_by("order"))
    reviewer = User.objects.create(
        email="reviewer@bench.test", full_name="Reviewer", is_reviewer=True
    )
    moderator = User.objects.create(
        email="moderator@bench.test", full_name="Moderator", is_moderator=True
    )
    User.objects.create(email="admin@bench.test", full_name="Admin", is_board_admin=True)
    sectors = [choice for choice, _ in Agency.Sector.choices]
    agency_rows = Agency.objects.bulk_create(
        Agency(name=f"Bench agency {n:04d}", sector=sectors[n % len(sectors)])
        for n in range(1, agencies + 1)
    )
    documents = PolicyDocument.objects.bulk_create(
        PolicyDocument(agency=a, title="Social media policy") for a in agency_rows
    )
    versions = PolicyVersion.objects.bulk_create(
        PolicyVersion(
            document=d,
            number=1,
            file=f"policies/{d.agency_id}/bench.pdf",
            file_kind="pdf",
            media_type="application/pdf",
            sha256=f"{d.pk:064x}",
            size=1000,
            page_count=10,
            owner="Head of Safeguarding",
            version_label="1.0",
            document_date=datetime.date(2025, 1, 1),
            status="ready",
        )
        for d in documents
    )
    now = timezone.now()
    finding_count = 0
    for number in range(CYCLES):
        cycle = ReviewCycle.objects.create(
            name=f"{YEAR} round {number + 1}",
            framework=framework,
            opens_on=datetime.date(YEAR, 1 + 2 * number, 1),
            closes_on=datetime.date(YEAR, 2 + 2 * number, 28),
        )
        cycle.agencies.set(agency_rows)
        reviews = Review.objects.bulk_create(
            Review(
                cycle=cycle,
                policy_version=version,
                agency_id=version.document.agency_id,
                framework=framework,
                reviewer=reviewer,
                moderator=moderator,
                due_on=cycle.closes_on,
                state="outcome_issued" if index % 3 else "signed_off",
                overall_outcome="meets_with_recommendations",
                signed_off_at=now,
            )
            for index, version in enumerate(versions)
        )
        findings = Finding.objects.bulk_create(
            Finding(
                review=review,
                expectation=expectation,
                rating=(rating := rng.choice(RATINGS)),
                evidence_quote="Staff must not befriend children or young people online."
                if rating in ("met", "partially_met")
                else "",
                evidence_page=rng.randint(1, 10) if rating in ("met", "partially_met") else None,
                comment="The policy says nothing about this." if rating == "not_met" else "",
                not_applicable_reason="Not relevant to this agency"
                if rating == "not_applicable"
                else "",
            )
            for review in reviews
            for expectation in expectations
        )
        finding_count += len(findings)
        Action.objects.bulk_create(
            Action(
                finding=finding,
                review=finding.review,
                agency_id=finding.review.agency_id,
                description="Add a section to the policy and brief every team.",
                owner="Head of Safeguarding",
                due_on=datetime.date(YEAR, 12, 31) - datetime.timedelta(days=rng.randint(0, 400)),
                status=(status := rng.choice(["planned", "in_progress", "done"])),
                done_note="Section added and teams briefed." if status == "done" else "",
            )
            for finding in findings
            if finding.rating in ("partially_met", "not_met") and rng.random() < 0.8
        )
    return finding_count


def measure_one(export_format: str) -> None:
    """Run in a fresh process so that peak memory belongs to this export alone."""
    import django

    django.setup()
    from accounts.models import User
    from summaries.models import Export
    from summaries.services.exports import export_build_file

    admin = User.objects.get(email="admin@bench.test")
    export = Export.objects.create(format=export_format, year=YEAR, requested_by=admin)
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    export_build_file(export_id=export.pk)
    seconds = time.perf_counter() - started
    export.refresh_from_db()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "before_mb": before_kb / 1024,
                "size_mb": (export.size or 0) / 1e6,
                "status": export.status,
                "error": export.last_error,
            }
        )
    )


def run_size(agencies: int, admin_url: str) -> list[dict]:
    database_url = bench_url(admin_url)
    admin_sql(admin_url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
    admin_sql(admin_url, f"CREATE DATABASE {BENCH_DATABASE}")
    results = []
    try:
        with tempfile.TemporaryDirectory() as media_root:
            env = child_env(database_url, media_root)
            manage("migrate", "--no-input", env=env)
            manage("load_frameworks", env=env)
            out = subprocess.run(
                [sys.executable, __file__, "--seed", str(agencies)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            findings = int(out.strip().splitlines()[-1])
            for export_format in ("xlsx", "pdf"):
                out = subprocess.run(
                    [sys.executable, __file__, "--one", export_format],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                figures = json.loads(out.strip().splitlines()[-1])
                figures.update(agencies=agencies, findings=findings, format=export_format)
                results.append(figures)
                print(
                    f"{agencies:>8} {findings:>9} {export_format:>6} {figures['seconds']:>8.2f} "
                    f"{figures['peak_mb']:>8.0f} {figures['before_mb']:>9.0f} "
                    f"{figures['size_mb']:>7.2f}"
                    + ("" if figures["status"] == "ready" else f"  FAILED: {figures['error']}"),
                    flush=True,
                )
    finally:
        admin_sql(admin_url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, nargs="+", default=[60, 300])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="a database to connect to for creating and dropping the throwaway one",
    )
    arguments = parser.parse_args()
    print(f"{CYCLES} review cycles in {YEAR}, 15 findings a review; the export is of the year.")
    print(
        f"{'agencies':>8} {'findings':>9} {'format':>6} {'seconds':>8} {'peak MB':>8} "
        f"{'start MB':>9} {'file MB':>7}"
    )
    results = [r for size in arguments.agencies for r in run_size(size, arguments.database_url)]
    if len(arguments.agencies) > 1:
        small, large = min(arguments.agencies), max(arguments.agencies)
        for export_format in ("xlsx", "pdf"):
            timed = {r["agencies"]: r["seconds"] for r in results if r["format"] == export_format}
            print(
                f"{export_format}: {large / small:.1f}x the agencies took "
                f"{timed[large] / timed[small]:.1f}x the time"
            )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        measure_one(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "--seed":
        import django

        django.setup()
        print(seed(int(sys.argv[2])))
    else:
        main()
