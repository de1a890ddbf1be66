"""Publishing an edition of 1,000 bullets, and making its PDF (issue 13: under 2 s and 10 s).

    .venv/bin/python benchmarks/publish_large.py            # --bullets 1000, PostgreSQL

Makes a fresh PostgreSQL database (`oversight_bench_publish` on 127.0.0.1:5432, or the server
in BENCH_POSTGRES), migrates it and loads the 2014 data; then, in a process of its own, starts
the March 2015 update from December 2014 with its bullets carried over, adds bullets across the
eleven sections until there are `--bullets`, marks it ready, approves it as a second person,
and times `edition_publish` (snapshot, checks, body, compressed copies, in one transaction) and
`publication_pdf_render` (WeasyPrint). Prints both times and the process's peak RSS.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench_database import database_recreate, production_environment

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
NAME = "oversight_bench_publish"


def prepare(env: dict[str, str]) -> None:
    database_recreate(NAME)
    for command in (["collectstatic", "--no-input"], ["migrate", "--no-input"], ["load_hmic_2014"]):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def measure(bullets: int) -> None:
    import django

    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from oversight.permissions import CHAIRS_OFFICE, SECRETARIAT, role_groups_sync
    from recommendations.models import Recommendation
    from reports.models import ProgressUpdate, QuarterlyUpdate
    from reports.pdf import publication_pdf_render
    from reports.services import (
        edition_approve,
        edition_mark_ready,
        edition_publish,
        edition_start_next,
    )

    role_groups_sync()
    users = get_user_model().objects
    preparer = users.create_user("bench-preparer", is_staff=True)
    preparer.groups.add(Group.objects.get(name=SECRETARIAT))
    approver = users.create_user("bench-approver", is_staff=True)
    approver.groups.add(Group.objects.get(name=CHAIRS_OFFICE))

    december = QuarterlyUpdate.objects.get(slug="2014-12")
    draft = edition_start_next(edition=december, started_by=preparer, carry_over_bullets=True)
    draft.foreword = "The group met again this quarter and reviewed every force's plan."
    draft.save()
    recommendations = list(Recommendation.objects.order_by("number"))
    missing = bullets - draft.bullets.count()
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            edition=draft,
            recommendation=recommendations[i % len(recommendations)],
            position=1000 + i,
            text=f"Progress point {i + 1}: forces reported on training, supervision and "
            "the quality of risk assessment for victims of domestic abuse.",
        )
        for i in range(missing)
    )
    draft = edition_mark_ready(edition=draft, marked_by=preparer)
    draft = edition_approve(edition=draft, approved_by=approver)

    started = time.perf_counter()
    publication = edition_publish(edition=draft, published_by=preparer, warnings_accepted=True)
    publish_seconds = time.perf_counter() - started
    started = time.perf_counter()
    pdf = publication_pdf_render(publication)
    pdf_seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"bullets: {publication.edition.bullets.count()}")
    print(f"edition_publish: {publish_seconds:.2f} s (goal < 2 s)")
    print(f"publication_pdf_render: {pdf_seconds:.2f} s (goal < 10 s), {len(pdf):,} bytes")
    print(f"peak RSS of the process: {peak_kib / 1024:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bullets", type=int, default=1000)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.bullets)
        return
    env = production_environment(NAME)
    prepare(env)
    subprocess.run(
        [PYTHON, __file__, "--measure", "--bullets", str(args.bullets)],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )


if __name__ == "__main__":
    main()
