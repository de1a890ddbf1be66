"""Every page's query count and median server time at two data sizes, and their ratio.

    .venv/bin/python benchmarks/page_costs.py                  # N=1 and N=100, PostgreSQL
    .venv/bin/python benchmarks/page_costs.py --factors 1 10 100   # and N=100 against N=10
    .venv/bin/python benchmarks/page_costs.py --factors 1 10 --runs 10 --rounds 2

For each factor N it makes a fresh PostgreSQL database (`oversight_bench_n<N>` on
127.0.0.1:5432, or the server in BENCH_POSTGRES), migrates it, loads the 2014 data and the demo
logins, runs `generate_scale_data --factor N`, and then, in a process of its own with
production settings (DEBUG off), requests every page through Django's test client as the
persona who would open it: the public, a signed-in member, the secretariat. It reports the
queries each page makes and the median time over `--runs` requests after two warm-up ones, and
finally, per page, the count at both sizes and the time ratio N=largest / N=smallest.

The sizes are measured in turn, `--rounds` times (N=1, N=100, N=1, N=100, ...), and each page
keeps its lowest median of the rounds: whatever else the machine does slows one round, not
one size, so it cancels out of the ratio rather than landing in it.

Goal (issue 13): the same query count at both sizes and a ratio of at most 1.2 on every page.
Published pages are served from the in-process page cache, as in production; that is their
real cost. The databases are left in place for a rerun with `--reuse` (which migrates them
first); drop them with `dropdb`.

Server time here is the time in the Django process (no network, no gunicorn): what grows with
the data. Throughput under load is `benchmarks/throughput.sh`'s job.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_database import database_recreate, production_environment

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

# The dashboard and the summary are kept per member until a write changes what they show
# (ADR 8): each is measured as a repeat visit, and as the first visit after a change (its
# token replaced before each request, outside the timing). Label -> `PageVersion` name.
AFTER_A_CHANGE = {
    "members' dashboard, first visit after a change": "members-dashboard",
    "plans summary, first visit after a change": "plans-summary",
}

# (label, persona, path). Placeholders are filled from the database being measured:
# {edition} the latest published edition's slug, {plan} a plan version's id, {force} a
# force's slug, {number} a recommendation's number.
PAGES: list[tuple[str, str, str]] = [
    ("home", "public", "/"),
    ("editions list", "public", "/updates/"),
    ("published edition", "public", "/updates/{edition}/"),
    ("edition changes", "public", "/updates/{edition}/changes/"),
    ("edition JSON", "public", "/updates/{edition}.json"),
    ("feed", "public", "/updates/feed/"),
    ("recommendations", "public", "/recommendations/"),
    ("recommendation", "public", "/recommendations/{number}/"),
    ("forces", "public", "/forces/"),
    ("force", "public", "/forces/{force}/"),
    ("search", "public", "/search/?q=risk"),
    ("open data", "public", "/data/"),
    ("dataset: progress updates CSV", "public", "/data/progress-updates.csv"),
    ("dataset: recommendation statuses JSON", "public", "/data/recommendation-statuses.json"),
    ("dataset: forces CSV", "public", "/data/forces.csv"),
    ("email alerts sign-up", "public", "/email-alerts/"),
    ("privacy notice", "public", "/privacy/"),
    ("accessibility statement", "public", "/accessibility/"),
    ("members' dashboard", "member", "/members/"),
    ("members' dashboard, first visit after a change", "member", "/members/"),
    ("plans list", "member", "/forces/plans/"),
    ("plans summary", "member", "/forces/plans/summary/"),
    ("plans summary, first visit after a change", "member", "/forces/plans/summary/"),
    (
        "plan (the secretariat's view; a member's is the review)",
        "secretariat",
        "/forces/plans/{plan}/",
    ),
    ("plan review", "member", "/forces/plans/{plan}/review/"),
    ("admin index", "secretariat", "/admin/"),
    ("admin: edition", "secretariat", "/admin/reports/quarterlyupdate/{edition_pk}/change/"),
]


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def database_env(factor: int) -> dict[str, str]:
    return production_environment(
        f"oversight_bench_n{factor}", TWO_FACTOR_REQUIRED="false", ALLOWED_HOSTS="testserver"
    )


GENERATE_AND_MEASURE = """
import resource, subprocess, sys, time
started = time.monotonic()
subprocess.run([sys.executable, "manage.py", "generate_scale_data", "--factor", sys.argv[1]],
               check=True, stdout=subprocess.DEVNULL)
print(time.monotonic() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def prepare(factor: int, env: dict[str, str]) -> tuple[float, int]:
    """A fresh database at factor N; returns generate_scale_data's seconds and peak RSS (KiB)."""
    database_recreate(f"oversight_bench_n{factor}")
    manage = [PYTHON, "manage.py"]
    run([*manage, "migrate", "--no-input"], env)
    run([*manage, "load_hmic_2014"], env)
    run([*manage, "create_demo_users"], {**env, "DEBUG": "true"})  # refuses otherwise
    # In a process of its own, whose only child is the command: its peak RSS is the command's.
    report = subprocess.run(
        [PYTHON, "-c", GENERATE_AND_MEASURE, str(factor)],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout.split()
    return float(report[-2]), int(report[-1])


def measure(runs: int) -> dict[str, dict]:
    """In the measured database's own process: each page's queries and median time."""
    import django

    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from forces.models import ActionPlan, Force
    from oversight.personal_pages import page_version_bump
    from reports.models import Publication

    setup_test_environment()
    latest = Publication.objects.order_by("-published_at").select_related("edition").first()
    values = {
        "edition": latest.edition.slug,
        "edition_pk": latest.edition.pk,
        "plan": ActionPlan.objects.order_by("pk").values_list("pk", flat=True).first(),
        "force": Force.objects.order_by("pk").values_list("slug", flat=True).first(),
        "number": 4,
    }
    users = get_user_model().objects
    clients = {"public": Client()}
    for persona, username in (("member", "member"), ("secretariat", "secretariat")):
        clients[persona] = Client()
        clients[persona].force_login(users.get(username=username))

    from django.contrib import admin
    from django.urls import reverse

    changelists = [
        (
            f"admin list: {model._meta.label}",
            "secretariat",
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        )
        for model in sorted(admin.site._registry, key=lambda model: model._meta.label)
        if users.get(username="secretariat").has_perm(
            f"{model._meta.app_label}.view_{model._meta.model_name}"
        )
    ]
    results: dict[str, dict] = {}
    for label, persona, pattern in PAGES + changelists:
        path = pattern.format(**values)
        client = clients[persona]
        for _ in range(2):
            client.get(path)
        timings = []
        for _ in range(runs):
            if label in AFTER_A_CHANGE:
                page_version_bump(AFTER_A_CHANGE[label])
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                timings.append(time.perf_counter() - started)
        results[label] = {
            "path": path,
            "status": response.status_code,
            "queries": len(queries.captured_queries),
            "median_ms": statistics.median(timings) * 1000,
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="times each size is measured")
    parser.add_argument("--reuse", action="store_true", help="measure the databases already made")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.runs)))
        return

    by_factor: dict[int, dict[str, dict]] = {}
    run([PYTHON, "manage.py", "collectstatic", "--no-input"], database_env(args.factors[0]))
    for factor in args.factors:
        env = database_env(factor)
        if args.reuse:  # brought up to the code being measured
            run([PYTHON, "manage.py", "migrate", "--no-input"], env)
        else:
            seconds, peak_kib = prepare(factor, env)
            print(
                f"N={factor}: generate_scale_data took {seconds:.1f} s, "
                f"peak RSS {peak_kib / 1024:.0f} MiB",
                file=sys.stderr,
            )
    for _ in range(args.rounds):
        for factor in args.factors:
            output = subprocess.run(
                [PYTHON, __file__, "--measure", "--runs", str(args.runs)],
                cwd=PROJECT_ROOT,
                env=database_env(factor),
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
            measured = json.loads(output.strip().splitlines()[-1])
            kept = by_factor.setdefault(factor, measured)
            for label, result in measured.items():
                kept[label]["median_ms"] = min(kept[label]["median_ms"], result["median_ms"])

    factors = sorted(args.factors)
    small, large = factors[0], factors[-1]
    # With a middle size too, its ratio to the largest: an admin list's page fills up (to
    # `list_per_page` rows) between N=1 and N=10, after which only growth with the data is left.
    middle = factors[-2] if len(factors) > 2 else None
    extra = f" ms N={middle} | ratio N={large}/N={middle} |" if middle else ""
    print(
        f"| page | status | queries N={small} | queries N={large} | ms N={small} |{extra}"
        f" ms N={large} | ratio | meets goal |"
    )
    print("| --- " * (8 + (2 if middle else 0)) + "|")
    for label in by_factor[small]:
        a, b = by_factor[small][label], by_factor[large][label]
        ratio = b["median_ms"] / a["median_ms"] if a["median_ms"] else float("inf")
        # The same answer at both sizes (a redirect is a page's answer too), never an error.
        meets = (
            a["queries"] == b["queries"]
            and ratio <= 1.2
            and a["status"] == b["status"]
            and b["status"] < 400
        )
        columns = ""
        if middle:
            m = by_factor[middle][label]
            columns = f" {m['median_ms']:.1f} | {b['median_ms'] / m['median_ms']:.2f} |"
        print(
            f"| {label} | {a['status']}/{b['status']} | {a['queries']} | {b['queries']} "
            f"| {a['median_ms']:.1f} |{columns} {b['median_ms']:.1f} | {ratio:.2f} "
            f"| {'yes' if meets else 'no'} |"
        )


if __name__ == "__main__":
    main()
