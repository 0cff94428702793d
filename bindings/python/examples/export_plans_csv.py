#!/usr/bin/env python3
"""Exports this semester's support plans of an institution to CSV.

    PUMPURS_PASSWORD=... export_plans_csv.py --target 127.0.0.1:50051 \
        --user direktors1 [--institution institutions/ID] \
        [--semester 2026-1] [--output plans.csv]

One row per plan: name, pupil, state, risks, measures, planned_hours,
delivered_hours (hours of the measures counted in hours). Pupils appear as
their resource names ("pupils/..."), never by name. Without --institution,
the signed-in account's institution; without --semester, the current one
(1 September - 31 December is term 1 of that school year, 1 January -
31 August term 2 of the previous one, in Latvian time). The password comes
from $PUMPURS_PASSWORD, else it is asked for.
"""

import argparse
import csv
import datetime
import getpass
import os
import sys

import pumpurs
from pumpurs.v1 import knowledge_base_pb2, support_plan_pb2

COLUMNS = ["name", "pupil", "state", "risks", "measures", "planned_hours",
           "delivered_hours"]


def current_semester(today=None):
    """(school_year, term) of `today` (default: today in Riga)."""
    if today is None:
        try:
            from zoneinfo import ZoneInfo
            today = datetime.datetime.now(ZoneInfo("Europe/Riga")).date()
        except Exception:  # no tz database: UTC is at most a day off
            today = datetime.datetime.now(datetime.timezone.utc).date()
    if today.month >= 9:
        return today.year, 1
    return today.year - 1, 2


def parse_semester(text):
    year, _, term = text.partition("-")
    if not year.isdigit() or term not in ("1", "2"):
        raise argparse.ArgumentTypeError(
            "expected YEAR-TERM, e.g. 2026-1, not %r" % text)
    return int(year), int(term)


def plans_of(client, institution, semester):
    """Every plan of the institution in the semester, page after page."""
    request = support_plan_pb2.ListSupportPlansRequest(
        institution=institution,
        semester=support_plan_pb2.Semester(school_year=semester[0],
                                           term=semester[1]),
        page_size=200)
    while True:
        page = client.SupportPlanService.ListSupportPlans(request)
        yield from page.support_plans
        if not page.next_page_token:
            return
        request.page_token = page.next_page_token


def _hours(quantities):
    return "%g" % round(sum(quantities), 2)


def row_of(plan):
    hours = [m for m in plan.measures
             if m.unit == knowledge_base_pb2.MEASURE_UNIT_HOURS]
    state = support_plan_pb2.PlanState.Name(plan.state)
    return {
        "name": plan.name,
        "pupil": plan.pupil,
        "state": state.removeprefix("PLAN_STATE_"),
        "risks": len(plan.risks),
        "measures": len(plan.measures),
        "planned_hours": _hours(m.planned_quantity for m in hours),
        "delivered_hours": _hours(m.delivered_quantity for m in hours),
    }


def export(client, institution, semester, out):
    """Writes the CSV to the file `out`; returns the number of rows."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = 0
    for plan in plans_of(client, institution, semester):
        writer.writerow(row_of(plan))
        rows += 1
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default=os.environ.get(
        "PUMPURS_TARGET", "127.0.0.1:50051"))
    parser.add_argument("--user", required=True)
    parser.add_argument("--institution",
                        help="institutions/ID (default: the user's)")
    parser.add_argument("--semester", type=parse_semester,
                        help="YEAR-TERM, e.g. 2026-1 (default: the current)")
    parser.add_argument("--output", help="CSV file (default: stdout)")
    args = parser.parse_args(argv)

    password = os.environ.get("PUMPURS_PASSWORD") or getpass.getpass()
    semester = args.semester or current_semester()
    try:
        with pumpurs.Client(args.target) as client:
            session = client.sign_in(args.user, password)
            institution = args.institution
            if not institution:
                scopes = [b.scope for b in session.account.role_bindings
                          if b.scope.startswith("institutions/")]
                if not scopes:
                    parser.error("%s has no institution; pass --institution"
                                 % args.user)
                institution = scopes[0]
            if args.output:
                with open(args.output, "w", newline="",
                          encoding="utf-8") as out:
                    rows = export(client, institution, semester, out)
            else:
                rows = export(client, institution, semester, sys.stdout)
    except pumpurs.PumpursError as e:
        print("export_plans_csv: %s" % e, file=sys.stderr)
        return 1
    print("export_plans_csv: %d plans of %s in %d-%d" % (
        rows, institution, semester[0], semester[1]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
