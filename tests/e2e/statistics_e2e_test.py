"""Programme statistics on the real pumpurs-server (--demo), driven with
Python grpcio (Debian's stubs).

The demo data is small, so many cells are suppressed, and the demo may grow;
the checks are invariants of any true answer rather than fixed numbers:
  - no count about pupils (pupils, plans, measures, youth participants) is
    shown between 1 and 4, a suppressed figure carries value 0, and a
    figure for several semesters is suppressed when the semester's is;
  - every state, risk group and risk factor of the knowledge base is
    listed, in order; the trend has trend_semesters consecutive semesters
    ending with the period's last;
  - per semester, the pupils per risk factor and group agree with the
    plans themselves (listed by each institution's head, who sees every
    plan unredacted): 1 to 4 pupils is always suppressed, and a shown
    figure is the true count;
  - the CSV export parses with Python's csv and says "suppressed" exactly
    where the answer does;
  - INVALID_ARGUMENT names `period` / `scope`; PERMISSION_DENIED for a
    municipality coordinator asking for the country or another
    municipality and for a head asking for another institution;
    UNAUTHENTICATED without a token.
"""

import csv
import datetime
import io
import unittest

import grpc

import harness
from google.rpc import error_details_pb2  # noqa: E402
from pumpurs.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402
from pumpurs.v1 import directory_pb2, directory_pb2_grpc  # noqa: E402
from pumpurs.v1 import knowledge_base_pb2 as kb  # noqa: E402
from pumpurs.v1 import knowledge_base_pb2_grpc as kb_grpc  # noqa: E402
from pumpurs.v1 import statistics_pb2 as st  # noqa: E402
from pumpurs.v1 import statistics_pb2_grpc as st_grpc  # noqa: E402
from pumpurs.v1 import support_plan_pb2 as sp  # noqa: E402
from pumpurs.v1 import support_plan_pb2_grpc as sp_grpc  # noqa: E402

PASSWORD = "demo-parole-2026"
SUPPORTED = {sp.PLAN_STATE_APPROVED, sp.PLAN_STATE_IN_IMPLEMENTATION,
             sp.PLAN_STATE_SUSPENDED, sp.PLAN_STATE_UNDER_REVISION,
             sp.PLAN_STATE_CLOSED}
CSV_FILES = ["summary.csv", "plans_by_state.csv", "risk_groups.csv",
             "risk_factors.csv", "measures.csv", "compensations.csv",
             "youth.csv", "trend.csv"]


def this_semester():
    """(school year, term) of today: September to December is term 1."""
    today = datetime.date.today()
    if today.month >= 9:
        return today.year, 1
    return today.year - 1, 2


def previous(year, term):
    return (year, 1) if term == 2 else (year - 1, 2)


def figures(message, path=""):
    """(path, Figure) for every Figure in `message`, recursively."""
    out = []
    for field, value in message.ListFields():
        name = path + "." + field.name if path else field.name
        if field.message_type is None:
            continue
        items = (value if field.label == field.LABEL_REPEATED else [value])
        for i, item in enumerate(items):
            where = "%s[%d]" % (name, i) if field.label == \
                field.LABEL_REPEATED else name
            if field.message_type.full_name == "pumpurs.v1.Figure":
                out.append((where, item))
            else:
                out.extend(figures(item, where))
    return out


def pupil_count(path):
    """Whether the Figure at `path` counts pupils (or their plans or
    measures), which 1 to 4 of may never be shown. Sums (hours, euros) can
    be small with many pupils behind them; funded youth projects are not
    about single pupils."""
    leaf = path.rsplit(".", 1)[-1]
    return leaf.startswith(("pupils", "plans", "measures", "participants",
                            "planned_participants"))


def field_violations(err):
    _, bad = harness.unpack_details(harness.status_details(err))
    return [v.field for b in bad for v in b.field_violations]


class StatisticsE2ETest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        channel = self.server.channel()
        self.stats = st_grpc.StatisticsServiceStub(channel)
        self.plans = sp_grpc.SupportPlanServiceStub(channel)
        self.kb = kb_grpc.KnowledgeBaseServiceStub(channel)
        self.directory = directory_pb2_grpc.DirectoryServiceStub(channel)
        auth = auth_pb2_grpc.AuthServiceStub(channel)
        self.md = {}
        for user in ("admin", "metodikis", "pasvaldiba1", "direktors1",
                     "direktors2", "direktors3", "direktors4",
                     "koordinators1", "vecaks1"):
            token = auth.Login(auth_pb2.LoginRequest(username=user,
                                                     password=PASSWORD),
                               timeout=10).access_token
            self.md[user] = harness.bearer(token)
        institutions = self.directory.ListInstitutions(
            directory_pb2.ListInstitutionsRequest(page_size=100),
            metadata=self.md["admin"], timeout=5).institutions
        self.school = {i.display_name: i for i in institutions}
        self.school1 = self.school["Ābeļu vidusskola"]
        self.school4 = self.school["Ceriņu ģimnāzija"]
        self.municipality1 = self.school1.municipality
        self.municipality2 = self.school4.municipality
        self.year, self.term = this_semester()
        self.factors = []
        token = ""
        while True:
            page = self.kb.ListRiskFactors(
                kb.ListRiskFactorsRequest(page_size=500, page_token=token),
                metadata=self.md["admin"], timeout=5)
            self.factors.extend(page.risk_factors)
            token = page.next_page_token
            if not token:
                break

    def get(self, user="admin", trend=0, scope=None, **period):
        return self.stats.GetProgrammeIndicators(
            st.GetProgrammeIndicatorsRequest(
                scope=scope, period=st.StatisticsPeriod(**period),
                trend_semesters=trend),
            metadata=self.md[user], timeout=10)

    def check_invariants(self, answer, trend, last):
        """What holds for any answer; `last` is the period's last
        (school year, term)."""
        for path, f in figures(answer):
            if f.suppressed:
                self.assertEqual(f.value, 0, path)
            else:
                self.assertGreaterEqual(f.value, 0, path)
            if pupil_count(path) and 0 < f.value < 5:
                self.fail("%s shows %g (fewer than 5) unsuppressed" %
                          (path, f.value))
        self.assertEqual([p.state for p in answer.plans_by_state],
                         list(range(1, 9)))
        self.assertEqual([g.group for g in answer.pupils_by_risk_group],
                         [1, 2, 3, 4])
        self.assertEqual(sorted(f.risk_factor
                                for f in answer.pupils_by_risk_factor),
                         sorted(f.name for f in self.factors))
        groups = [f.group for f in answer.pupils_by_risk_factor]
        self.assertEqual(groups, sorted(groups))
        kb_group = {f.name: f.group for f in self.factors}
        for f in answer.pupils_by_risk_factor:
            self.assertEqual(f.group, kb_group[f.risk_factor])
            self.assertTrue(f.title_lv and f.title_en, f.risk_factor)
        types = [m.measure_type for m in answer.measures_by_type
                 if m.measure_type]
        self.assertEqual(types, sorted(types))
        custom = [i for i, m in enumerate(answer.measures_by_type)
                  if not m.measure_type]
        self.assertEqual(custom, list(range(len(types),
                                            len(answer.measures_by_type))))
        self.assertEqual(
            list(answer.compensation_by_type),
            [m for m in answer.measures_by_type
             if m.unit == kb.MEASURE_UNIT_EUR])
        # The trend: consecutive semesters ending with the period's last.
        self.assertEqual(len(answer.trend), trend)
        s = last
        for t in reversed(answer.trend):
            self.assertEqual((t.semester.school_year, t.semester.term), s)
            s = previous(*s)
        # Totals are consistent with their parts where they are shown.
        if not answer.pupils_supported.suppressed:
            for g in answer.pupils_by_risk_group:
                if not g.pupils.suppressed:
                    self.assertLessEqual(g.pupils.value,
                                         answer.pupils_supported.value)
        states = [p.plans for p in answer.plans_by_state]
        if not answer.plans_total.suppressed and not any(
                p.suppressed for p in states):
            self.assertEqual(sum(p.value for p in states),
                             answer.plans_total.value)
        if answer.institutions_total:
            self.assertAlmostEqual(
                answer.institutions_share_percent,
                100.0 * answer.institutions_involved /
                answer.institutions_total, places=6)
        self.assertLessEqual(answer.institutions_involved,
                             answer.institutions_total)

    def test_national_answer_invariants(self):
        answer = self.get(school_year=self.year, trend=0)
        self.check_invariants(answer, 8, (self.year, 2))
        self.assertEqual([(s.school_year, s.term) for s in answer.semesters],
                         [(self.year, 1), (self.year, 2)])
        self.assertEqual(answer.institutions_target, 600)
        self.assertEqual(answer.municipalities_target_percent, 80)
        self.assertEqual(answer.institutions_total, len(self.school))
        self.assertEqual(answer.municipalities_total, 2)
        # The demo is small: some cells are suppressed.
        self.assertTrue(any(f.suppressed for _, f in figures(answer)))

        for period, trend, last in (
                (dict(semester=sp.Semester(school_year=self.year,
                                           term=self.term)), 3,
                 (self.year, self.term)),
                (dict(school_years=st.SchoolYearRange(
                    first_school_year=self.year - 2,
                    last_school_year=self.year)), 16, (self.year, 2))):
            self.check_invariants(self.get(trend=trend, **period), trend,
                                  last)
        # A municipality: no targets, its own institutions only.
        answer = self.get(scope=st.StatisticsScope(
            municipality=self.municipality1), school_year=self.year, trend=4)
        self.check_invariants(answer, 4, (self.year, 2))
        self.assertEqual(answer.institutions_target, 0)
        self.assertEqual(answer.municipalities_target_percent, 0)
        self.assertEqual(answer.institutions_total, sum(
            1 for i in self.school.values()
            if i.municipality == self.municipality1))

    def test_multi_semester_figure_hidden_when_a_semester_is(self):
        """A figure for a school year is suppressed when it is suppressed in
        one of its semesters, so periods cannot be subtracted."""
        for year in (self.year - 1, self.year):
            whole = self.get(school_year=year)
            halves = [self.get(semester=sp.Semester(school_year=year,
                                                    term=t)) for t in (1, 2)]
            pairs = [("pupils_supported", lambda a: a.pupils_supported)]
            for i in range(len(whole.pupils_by_risk_factor)):
                pairs.append((whole.pupils_by_risk_factor[i].risk_factor,
                              lambda a, i=i: a.pupils_by_risk_factor[i].pupils))
            for i in range(len(whole.plans_by_state)):
                pairs.append(("state %d" % (i + 1),
                              lambda a, i=i: a.plans_by_state[i].plans))
            for name, of in pairs:
                if any(of(h).suppressed for h in halves):
                    self.assertTrue(of(whole).suppressed, (year, name))

    def test_counts_agree_with_the_plans(self):
        """Per semester: pupils per risk factor and group, and pupils
        supported, from the plans themselves."""
        heads = {}
        for user in ("direktors1", "direktors2", "direktors3", "direktors4"):
            me = auth_pb2_grpc.AuthServiceStub(self.server.channel()).WhoAmI(
                auth_pb2.WhoAmIRequest(), metadata=self.md[user], timeout=5)
            heads[user] = [b.scope for b in me.role_bindings
                           if b.role == auth_pb2.ROLE_INSTITUTION_HEAD][0]
        semester = (self.year, self.term)
        checked_hidden = 0
        for _ in range(4):
            pupils, by_factor, by_group = set(), {}, {}
            for user, institution in heads.items():
                token = ""
                while True:
                    page = self.plans.ListSupportPlans(
                        sp.ListSupportPlansRequest(
                            institution=institution,
                            semester=sp.Semester(school_year=semester[0],
                                                 term=semester[1]),
                            page_size=500, page_token=token),
                        metadata=self.md[user], timeout=10)
                    for plan in page.support_plans:
                        if plan.state not in SUPPORTED:
                            continue
                        pupils.add(plan.pupil)
                        for r in plan.risks:
                            self.assertTrue(r.risk_factor, "redacted for "
                                            "the head")
                            by_factor.setdefault(r.risk_factor,
                                                 set()).add(plan.pupil)
                            by_group.setdefault(r.group,
                                                set()).add(plan.pupil)
                    token = page.next_page_token
                    if not token:
                        break
            answer = self.get(semester=sp.Semester(school_year=semester[0],
                                                   term=semester[1]))
            rows = [("pupils_supported", len(pupils), answer.pupils_supported)]
            rows += [(f.risk_factor, len(by_factor.get(f.risk_factor, ())),
                      f.pupils) for f in answer.pupils_by_risk_factor]
            rows += [("group %d" % g.group, len(by_group.get(g.group, ())),
                      g.pupils) for g in answer.pupils_by_risk_group]
            for name, true_count, figure in rows:
                where = (semester, name, true_count)
                if 1 <= true_count <= 4:
                    self.assertTrue(figure.suppressed, where)
                    checked_hidden += 1
                elif figure.suppressed:
                    # Secondary suppression hides other non-zero cells.
                    self.assertGreater(true_count, 0, where)
                else:
                    self.assertEqual(figure.value, true_count, where)
            semester = previous(*semester)
        # The demo has small cells, which must have been hidden.
        self.assertGreater(checked_hidden, 0)

    def test_export_csv(self):
        answer = self.get(school_year=self.year)
        for language, word, header in (("", "suppressed", "state"),
                                       ("en", "suppressed", "state"),
                                       ("lv", "neizpaužams", "statuss")):
            response = self.stats.ExportProgrammeIndicators(
                st.ExportProgrammeIndicatorsRequest(
                    period=st.StatisticsPeriod(school_year=self.year),
                    language=language),
                metadata=self.md["admin"], timeout=10)
            self.assertEqual([f.filename for f in response.files], CSV_FILES)
            files = {}
            for f in response.files:
                text = f.content.decode("utf-8")
                self.assertTrue(text.endswith("\r\n"), f.filename)
                rows = list(csv.reader(io.StringIO(text, newline="")))
                self.assertGreaterEqual(len(rows), 2, f.filename)
                self.assertTrue(all(len(r) == len(rows[0]) for r in rows),
                                f.filename)
                files[f.filename] = rows
            self.assertEqual(files["plans_by_state.csv"][0][0], header)
            cells = [r[1] for r in files["plans_by_state.csv"][1:]]
            self.assertEqual(len(cells), 8)
            for cell, p in zip(cells, answer.plans_by_state):
                if p.plans.suppressed:
                    self.assertEqual(cell, word)
                else:
                    self.assertEqual(float(cell), p.plans.value)
            factors = files["risk_factors.csv"][1:]
            self.assertEqual([r[0] for r in factors],
                             [f.risk_factor
                              for f in answer.pupils_by_risk_factor])
            for row, f in zip(factors, answer.pupils_by_risk_factor):
                self.assertEqual(row[-1] == word, f.pupils.suppressed, row)
            self.assertEqual(len(files["trend.csv"]), 1 + 8)
        self.assertRpcCode(
            grpc.StatusCode.INVALID_ARGUMENT,
            self.stats.ExportProgrammeIndicators,
            st.ExportProgrammeIndicatorsRequest(
                period=st.StatisticsPeriod(school_year=self.year),
                language="de"),
            metadata=self.md["admin"], timeout=10)

    def test_invalid_arguments_name_the_field(self):
        err = self.assertRpcCode(
            grpc.StatusCode.INVALID_ARGUMENT, self.stats.GetProgrammeIndicators,
            st.GetProgrammeIndicatorsRequest(), metadata=self.md["admin"],
            timeout=5)
        self.assertIn("period", field_violations(err))
        err = self.assertRpcCode(
            grpc.StatusCode.INVALID_ARGUMENT, self.stats.GetProgrammeIndicators,
            st.GetProgrammeIndicatorsRequest(
                scope=st.StatisticsScope(municipality=self.municipality1,
                                         institution=self.school1.name),
                period=st.StatisticsPeriod(school_year=self.year)),
            metadata=self.md["admin"], timeout=5)
        self.assertIn("scope", field_violations(err))
        err = self.assertRpcCode(
            grpc.StatusCode.INVALID_ARGUMENT,
            self.stats.ExportProgrammeIndicators,
            st.ExportProgrammeIndicatorsRequest(), metadata=self.md["admin"],
            timeout=5)
        self.assertIn("period", field_violations(err))
        for period, field in (
                (st.StatisticsPeriod(school_year=1999), "period.school_year"),
                (st.StatisticsPeriod(semester=sp.Semester(
                    school_year=self.year, term=3)), None),
                (st.StatisticsPeriod(school_years=st.SchoolYearRange(
                    first_school_year=2010, last_school_year=2025)),
                 "period.school_years.last_school_year")):
            err = self.assertRpcCode(
                grpc.StatusCode.INVALID_ARGUMENT,
                self.stats.GetProgrammeIndicators,
                st.GetProgrammeIndicatorsRequest(period=period),
                metadata=self.md["admin"], timeout=5)
            fields = field_violations(err)
            self.assertTrue(fields, period)
            if field:
                self.assertIn(field, fields)
        err = self.assertRpcCode(
            grpc.StatusCode.INVALID_ARGUMENT, self.stats.GetProgrammeIndicators,
            st.GetProgrammeIndicatorsRequest(
                period=st.StatisticsPeriod(school_year=self.year),
                trend_semesters=17),
            metadata=self.md["admin"], timeout=5)
        self.assertIn("trend_semesters", field_violations(err))
        self.assertRpcCode(
            grpc.StatusCode.NOT_FOUND, self.get,
            scope=st.StatisticsScope(municipality="municipalities/nosuch"),
            school_year=self.year)

    def test_who_may_ask(self):
        year = dict(school_year=self.year)
        own_m = st.StatisticsScope(municipality=self.municipality1)
        other_m = st.StatisticsScope(municipality=self.municipality2)
        own_i = st.StatisticsScope(institution=self.school1.name)
        other_i = st.StatisticsScope(institution=self.school4.name)
        # National administrator and methodologist: anything.
        for user in ("admin", "metodikis"):
            for scope in (None, own_m, other_i):
                self.get(user, scope=scope, **year)
        # A municipality coordinator: the municipality and its institutions.
        self.get("pasvaldiba1", scope=own_m, **year)
        self.get("pasvaldiba1", scope=own_i, **year)
        for scope in (None, other_m, other_i):
            self.assertRpcCode(grpc.StatusCode.PERMISSION_DENIED, self.get,
                               "pasvaldiba1", scope=scope, **year)
        # A head and a coordinator: their institution only.
        for user in ("direktors1", "koordinators1"):
            self.get(user, scope=own_i, **year)
            for scope in (None, own_m, other_i):
                self.assertRpcCode(grpc.StatusCode.PERMISSION_DENIED,
                                   self.get, user, scope=scope, **year)
        self.assertRpcCode(
            grpc.StatusCode.PERMISSION_DENIED,
            self.stats.ExportProgrammeIndicators,
            st.ExportProgrammeIndicatorsRequest(
                scope=other_i, period=st.StatisticsPeriod(**year)),
            metadata=self.md["direktors1"], timeout=5)
        # A guardian: no statistics at all.
        self.assertRpcCode(grpc.StatusCode.PERMISSION_DENIED, self.get,
                           "vecaks1", scope=own_i, **year)
        # Without a token.
        for call, request in (
                (self.stats.GetProgrammeIndicators,
                 st.GetProgrammeIndicatorsRequest(
                     period=st.StatisticsPeriod(**year))),
                (self.stats.ExportProgrammeIndicators,
                 st.ExportProgrammeIndicatorsRequest(
                     period=st.StatisticsPeriod(**year)))):
            self.assertRpcCode(grpc.StatusCode.UNAUTHENTICATED, call, request,
                               timeout=5)


if __name__ == "__main__":
    unittest.main()
