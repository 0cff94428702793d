"""The parents' self-check on the real pumpurs-server (--demo), driven with
Python grpcio (Debian's stubs, nobody here wrote them):

a parent without an account lists the questionnaires and answers each
band's one; nothing about it is stored (every table's row count and the
audit and change sequences are compared in the database file before and
after) or logged (the server's stderr holds no question, answer or option
of it); signed in, the parent turns a result into exactly one application
for their child carrying only the areas and the note they chose to share;
the methodologist (metodikis) publishes a new questionnaire and then a
second revision of it, and parents get each in turn while revision 1 stays
in the table.

Demo accounts: server/demo/demo_data.cc. vecaks1's child (DEMO-1-1) has no
application in the demo data."""

import datetime
import sqlite3
import unittest

import grpc

import harness
from harness import directory_pb2
from pumpurs.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402
from pumpurs.v1 import knowledge_base_pb2 as kb_pb2  # noqa: E402
from pumpurs.v1 import self_check_pb2 as sc  # noqa: E402
from pumpurs.v1 import self_check_pb2_grpc as sc_grpc  # noqa: E402
from pumpurs.v1 import support_plan_pb2 as sp  # noqa: E402

PASSWORD = "demo-parole-2026"
BANDS = [sc.AGE_BAND_GRADES_1_4, sc.AGE_BAND_GRADES_5_9,
         sc.AGE_BAND_GRADES_10_12, sc.AGE_BAND_VOCATIONAL]
GROUPS = [kb_pb2.RISK_GROUP_LEARNING_AND_SCHOOL,
          kb_pb2.RISK_GROUP_SOCIAL_AND_HEALTH, kb_pb2.RISK_GROUP_ECONOMIC,
          kb_pb2.RISK_GROUP_FAMILY]


def bearer(token):
    return (("authorization", "Bearer " + token),)


def semester_of(day):
    if day.month >= 9:
        return day.year, 1
    return day.year - 1, 2


class SelfCheckE2ETest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.server = self.start_server(demo=True)
        channel = self.server.channel()
        self.sc = sc_grpc.SelfCheckServiceStub(channel)
        self.dir = self.server.directory()
        self.auth = auth_pb2_grpc.AuthServiceStub(channel)

    def login(self, user):
        s = self.auth.Login(auth_pb2.LoginRequest(username=user,
                                                  password=PASSWORD),
                            timeout=10)
        md = bearer(s.access_token)
        me = self.auth.WhoAmI(auth_pb2.WhoAmIRequest(), metadata=md,
                              timeout=5)
        return md, me

    def db(self):
        return sqlite3.connect("file:%s?mode=ro" % self.server.db, uri=True,
                               timeout=30)

    def snapshot(self):
        """Every table's row count, the audit and change sequences."""
        conn = self.db()
        try:
            out = {}
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "ORDER BY name")]
            for t in tables:
                out["rows:" + t] = conn.execute(
                    'SELECT COUNT(*) FROM "%s"' % t).fetchone()[0]
            for t in ("audit_events", "changes"):
                out["max_seq:" + t] = conn.execute(
                    "SELECT IFNULL(MAX(seq), 0) FROM %s" % t).fetchone()[0]
            for name, seq in conn.execute(
                    "SELECT name, seq FROM sqlite_sequence"):
                out["sqlite_sequence:" + name] = seq
            self.assertGreater(len(tables), 20)
            return out
        finally:
            conn.close()

    def worst_answers(self, q):
        answers, secrets = [], []
        for question in q.questions:
            best = max(question.options, key=lambda o: o.points)
            answers.append(sc.SelfCheckAnswer(question=question.id,
                                              option=best.id))
            secrets += [question.id, question.text.lv, question.text.en,
                        best.text.lv, best.text.en]
            secrets += [o.id for o in question.options if len(o.id) >= 4]
        return answers, secrets

    def test_anonymous_self_check_leaves_no_trace(self):
        listed = self.sc.ListQuestionnaires(sc.ListQuestionnairesRequest(),
                                            timeout=10)
        by_band = {q.age_band: q for q in listed.questionnaires}
        self.assertEqual(sorted(by_band), sorted(BANDS))
        for q in listed.questionnaires:
            self.assertEqual(q.state, sc.QUESTIONNAIRE_STATE_PUBLISHED)
            self.assertEqual(q.revision, 1)
            self.assertTrue(q.seed_key)
            self.assertEqual(sorted({x.area for x in q.questions}),
                             sorted(GROUPS))

        before = self.snapshot()
        log_before = len(self.server.stderr())
        secrets = []
        for band in BANDS:
            answers, s = self.worst_answers(by_band[band])
            secrets += s
            for locale in ("lv", "en"):
                r = self.sc.EvaluateSelfCheck(
                    sc.EvaluateSelfCheckRequest(age_band=band, locale=locale,
                                                answers=answers),
                    timeout=10)
                self.assertEqual(r.questionnaire, by_band[band].name)
                self.assertEqual([a.area for a in r.areas], GROUPS)
                self.assertTrue(all(a.shows_signs for a in r.areas))
                for a in r.areas:
                    self.assertTrue(a.triggered)
                    self.assertTrue(a.advice)
                    self.assertEqual(len(a.guides), len(a.guide_titles))
                self.assertIn("klases audzinātāj" if locale == "lv"
                              else "class teacher",
                              r.how_to_ask_for_support)
            # No answers: no area shows signs.
            r = self.sc.EvaluateSelfCheck(
                sc.EvaluateSelfCheckRequest(
                    questionnaire=by_band[band].name), timeout=10)
            self.assertFalse(any(a.shows_signs for a in r.areas))
        # A refused one leaves nothing either.
        err = self.assertRpcCode(
            grpc.StatusCode.INVALID_ARGUMENT, self.sc.EvaluateSelfCheck,
            sc.EvaluateSelfCheckRequest(
                age_band=sc.AGE_BAND_GRADES_5_9,
                answers=[sc.SelfCheckAnswer(question="absences",
                                            option="secret-choice-42")]),
            timeout=10)
        self.assertNotIn("secret-choice-42", err.details())

        self.assertEqual(self.snapshot(), before)
        log = self.server.stderr()[log_before:]
        self.assertIn("EvaluateSelfCheck", log)
        for secret in set(secrets) | {"secret-choice-42"}:
            if secret:
                self.assertNotIn(secret, log)

    def test_signed_in_parent_opts_in_with_only_shared_fields(self):
        guardian, me = self.login("vecaks1")
        scope = [b.scope for b in me.role_bindings
                 if b.role == auth_pb2.ROLE_GUARDIAN][0]
        record = self.dir.GetGuardian(
            directory_pb2.GetGuardianRequest(name=scope), metadata=guardian,
            timeout=5)
        child = record.pupils[0]
        # The self-check itself is the same signed in.
        q = self.sc.ListQuestionnaires(
            sc.ListQuestionnairesRequest(age_band=sc.AGE_BAND_GRADES_5_9),
            metadata=guardian, timeout=10).questionnaires[0]
        answers, secrets = self.worst_answers(q)
        result = self.sc.EvaluateSelfCheck(
            sc.EvaluateSelfCheckRequest(questionnaire=q.name,
                                        answers=answers),
            metadata=guardian, timeout=10)
        shared = [a.area for a in result.areas if a.shows_signs][:2]

        self.assertRpcCode(grpc.StatusCode.UNAUTHENTICATED,
                           self.sc.ApplyFromSelfCheck,
                           sc.ApplyFromSelfCheckRequest(pupil=child),
                           timeout=10)
        conn = self.db()
        before = conn.execute(
            "SELECT COUNT(*) FROM plan_applications").fetchone()[0]
        conn.close()
        year, term = semester_of(datetime.date.today())
        note = "Lūdzu, sazinieties ar mani pa tālruni."
        req = sc.ApplyFromSelfCheckRequest(
            pupil=child, semester=sp.Semester(school_year=year, term=term),
            shared_areas=shared, note=note, request_id="self-check-opt-in")
        app = self.sc.ApplyFromSelfCheck(req, metadata=guardian, timeout=10)
        again = self.sc.ApplyFromSelfCheck(req, metadata=guardian, timeout=10)
        self.assertEqual(again.name, app.name)
        self.assertEqual(app.channel, sp.APPLICATION_CHANNEL_ONLINE)
        self.assertEqual(app.applicant, scope)

        conn = self.db()
        try:
            self.assertEqual(conn.execute(
                "SELECT COUNT(*) FROM plan_applications").fetchone()[0],
                before + 1)
            data = conn.execute(
                "SELECT data FROM plan_applications WHERE id = ?",
                (app.name.split("/", 1)[1],)).fetchone()[0]
        finally:
            conn.close()
        stored = sp.Application()
        stored.ParseFromString(data)
        self.assertEqual(list(stored.shared_areas), shared)
        self.assertEqual(stored.applicant_note, note)
        # Only the shared fields beside what every online application has.
        self.assertEqual(
            sorted(f.name for f, _ in stored.ListFields()),
            sorted(["name", "pupil", "semester", "channel", "applicant",
                    "state", "institution", "etag", "create_time",
                    "shared_areas", "applicant_note"]))
        raw = bytes(data)
        for secret in secrets:
            if len(secret) >= 4:
                self.assertNotIn(secret.encode(), raw)
        log = self.server.stderr()
        self.assertNotIn(note, log)
        for secret in secrets:
            if secret:
                self.assertNotIn(secret, log)

    def test_methodologist_publishes_revisions_parents_get(self):
        methodologist, _ = self.login("metodikis")
        guardian, _ = self.login("vecaks1")
        q = sc.Questionnaire(
            age_band=sc.AGE_BAND_VOCATIONAL,
            title=kb_pb2.LocalizedText(lv="Prakses pašpārbaude",
                                       en="Placement self-check"),
            questions=[sc.Question(
                id="night-shifts", area=kb_pb2.RISK_GROUP_ECONOMIC,
                text=kb_pb2.LocalizedText(lv="Vai strādā naktīs?"),
                options=[
                    sc.AnswerOption(id="no",
                                    text=kb_pb2.LocalizedText(lv="Nē"),
                                    points=0),
                    sc.AnswerOption(id="yes",
                                    text=kb_pb2.LocalizedText(lv="Jā"),
                                    points=2)])],
            areas=[sc.AreaRule(area=kb_pb2.RISK_GROUP_ECONOMIC, threshold=2,
                               advice=kb_pb2.LocalizedText(lv="Runājiet."))])
        self.assertRpcCode(grpc.StatusCode.PERMISSION_DENIED,
                           self.sc.CreateQuestionnaire,
                           sc.CreateQuestionnaireRequest(questionnaire=q),
                           metadata=guardian, timeout=10)
        made = self.sc.CreateQuestionnaire(
            sc.CreateQuestionnaireRequest(questionnaire=q),
            metadata=methodologist, timeout=10)
        self.assertEqual(made.state, sc.QUESTIONNAIRE_STATE_DRAFT)
        self.assertRpcCode(grpc.StatusCode.NOT_FOUND,
                           self.sc.GetQuestionnaire,
                           sc.GetQuestionnaireRequest(name=made.name),
                           timeout=10)
        r1 = self.sc.PublishQuestionnaire(
            sc.PublishQuestionnaireRequest(name=made.name, etag=made.etag),
            metadata=methodologist, timeout=10)
        self.assertEqual(r1.revision, 1)
        ask = sc.EvaluateSelfCheckRequest(
            age_band=sc.AGE_BAND_VOCATIONAL,
            answers=[sc.SelfCheckAnswer(question="night-shifts",
                                        option="yes")])
        r = self.sc.EvaluateSelfCheck(ask, timeout=10)
        self.assertEqual((r.questionnaire, r.revision), (made.name, 1))
        self.assertTrue(r.areas[0].shows_signs)

        edit = sc.Questionnaire(name=made.name, etag=r1.etag)
        edit.areas.add(area=kb_pb2.RISK_GROUP_ECONOMIC, threshold=3,
                       advice=kb_pb2.LocalizedText(lv="Runājiet vēlreiz."))
        self.sc.UpdateQuestionnaire(
            sc.UpdateQuestionnaireRequest(
                questionnaire=edit,
                update_mask={"paths": ["areas"]}),
            metadata=methodologist, timeout=10)
        r = self.sc.EvaluateSelfCheck(ask, timeout=10)
        self.assertEqual(r.revision, 1)  # not yet published
        self.sc.PublishQuestionnaire(
            sc.PublishQuestionnaireRequest(name=made.name),
            metadata=methodologist, timeout=10)
        r = self.sc.EvaluateSelfCheck(ask, timeout=10)
        self.assertEqual(r.revision, 2)
        self.assertFalse(r.areas[0].shows_signs)
        self.assertEqual(r.areas[0].advice, "Runājiet vēlreiz.")
        conn = self.db()
        try:
            self.assertEqual(conn.execute(
                "SELECT number FROM sc_questionnaire_revisions WHERE "
                "questionnaire_id = ? ORDER BY number",
                (made.name.split("/", 1)[1],)).fetchall(), [(1,), (2,)])
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
