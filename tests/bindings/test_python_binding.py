"""The Python binding (bindings/python, ctypes over libpumpurs.so) against a
real pumpurs-server --demo started by the fixtures below.

Run: ctest --test-dir build -R python_binding_test --output-on-failure, or
from the repo root (after building pumpurs-server, pumpurs_c and
pumpurs_python_stubs):
  PYTHONPATH=bindings/python:build/python /usr/bin/python3 -m pytest -q \
      tests/bindings/test_python_binding.py
"""

import os
import sys
import tempfile

import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO = os.path.normpath(os.path.join(_HERE, "..", ".."))
sys.path.insert(0, os.path.join(_REPO, "tests", "e2e"))
if not any(os.path.isfile(os.path.join(p, "pumpurs", "__init__.py"))
           for p in sys.path):
    sys.path.insert(0, os.path.join(_REPO, "bindings", "python"))

import harness  # noqa: E402
import pumpurs  # noqa: E402
from pumpurs.v1 import auth_pb2, offline_pb2, support_plan_pb2, sync_pb2  # noqa: E402,E501

from google.protobuf import field_mask_pb2  # noqa: E402

PASSWORD = "demo-parole-2026"


@pytest.fixture(scope="module")
def server():
    """One demo server for the read-only tests of this module."""
    with tempfile.TemporaryDirectory(prefix="pumpurs-py-") as workdir:
        s = harness.Server(workdir, demo=True).start(timeout=60)
        yield s
        s.stop()


@pytest.fixture
def head(server):
    """A client signed in as the head of school 1."""
    with pumpurs.Client(server.target) as client:
        client.sign_in("direktors1", PASSWORD)
        yield client


def institution_of(session):
    scopes = [b.scope for b in session.account.role_bindings
              if b.scope.startswith("institutions/")]
    assert scopes, session.account
    return scopes[0]


def test_version_matches_the_build():
    assert pumpurs.version()
    if os.environ.get("PUMPURS_VERSION"):
        assert pumpurs.version() == os.environ["PUMPURS_VERSION"]


def test_server_info_without_signing_in(server):
    with pumpurs.Client(server.target) as client:
        info = client.SystemService.GetServerInfo()
        assert info.version == pumpurs.version()
        assert info.schema_version > 0


def test_sign_in_and_list_plans(server):
    with pumpurs.Client(server.target, deadline=5.0) as client:
        assert client.session is None
        session = client.sign_in("direktors1", PASSWORD)
        assert isinstance(session, auth_pb2.Session)
        assert session.access_token and session.refresh_token
        assert session.account.username == "direktors1"
        assert client.session.access_token == session.access_token
        institution = institution_of(session)

        request = support_plan_pb2.ListSupportPlansRequest(
            institution=institution)
        page = client.SupportPlanService.ListSupportPlans(request)
        assert isinstance(page, support_plan_pb2.ListSupportPlansResponse)
        assert page.support_plans
        for plan in page.support_plans:
            assert plan.name.startswith("supportPlans/")
            assert plan.institution == institution

        # The same by every spelling of the method, and from fields.
        names = [p.name for p in page.support_plans]
        for method in ("SupportPlanService.ListSupportPlans",
                       "/pumpurs.v1.SupportPlanService/ListSupportPlans",
                       "pumpurs.v1.SupportPlanService.ListSupportPlans"):
            again = client.call(method, request)
            assert [p.name for p in again.support_plans] == names
        again = client.call("SupportPlanService/ListSupportPlans",
                            institution=institution, deadline=3.0)
        assert [p.name for p in again.support_plans] == names

        plan = client.SupportPlanService.GetSupportPlan(name=names[0])
        assert plan.name == names[0]
        assert plan.etag


def test_a_stored_session_signs_in_a_new_client(server):
    with pumpurs.Client(server.target) as first:
        session = first.sign_in("direktors1", PASSWORD)
    institution = institution_of(session)
    for stored in (session, session.SerializeToString()):
        with pumpurs.Client(server.target, session=stored) as client:
            page = client.SupportPlanService.ListSupportPlans(
                institution=institution)
            assert page.support_plans


def test_a_token_signs_calls(server):
    with pumpurs.Client(server.target) as first:
        session = first.sign_in("direktors1", PASSWORD)
    with pumpurs.Client(server.target, token=session.access_token) as client:
        page = client.SupportPlanService.ListSupportPlans(
            institution=institution_of(session))
        assert page.support_plans


def test_errors_carry_code_reason_and_violations(head):
    with pytest.raises(pumpurs.PumpursError) as caught:
        head.DirectoryService.GetInstitution(name="institutions/nope")
    e = caught.value
    assert (e.code, e.code_name) == (5, "NOT_FOUND")
    assert e.reason == "RESOURCE_NOT_FOUND"
    assert e.message
    assert e.violations == []
    assert "NOT_FOUND" in str(e)

    # A plan that does not exist: a head of school is not told whether it
    # exists elsewhere.
    with pytest.raises(pumpurs.PumpursError) as caught:
        head.SupportPlanService.GetSupportPlan(name="supportPlans/nope")
    assert caught.value.code_name == "PERMISSION_DENIED"
    assert caught.value.reason == "PERMISSION_DENIED"

    with pytest.raises(pumpurs.PumpursError) as caught:
        head.SupportPlanService.GetSupportPlan(name="plans/not a name")
    e = caught.value
    assert e.code_name == "INVALID_ARGUMENT"
    assert [v.field for v in e.violations] == ["name"]
    assert e.violations[0].description
    assert isinstance(e.violations[0], pumpurs.FieldViolation)


def test_reason_of_a_refused_transition(head):
    # Submitting a plan that is not a draft: FAILED_PRECONDITION with a
    # machine-readable reason.
    institution = institution_of(head.session)
    page = head.SupportPlanService.ListSupportPlans(
        institution=institution,
        state=support_plan_pb2.PLAN_STATE_IN_IMPLEMENTATION)
    assert page.support_plans
    plan = page.support_plans[0]
    with pytest.raises(pumpurs.PumpursError) as caught:
        head.SupportPlanService.SubmitSupportPlan(name=plan.name)
    e = caught.value
    assert e.code_name in ("FAILED_PRECONDITION", "PERMISSION_DENIED")
    if e.code_name == "FAILED_PRECONDITION":
        assert e.reason


def test_unauthenticated_and_wrong_password(server):
    with pumpurs.Client(server.target) as client:
        with pytest.raises(pumpurs.PumpursError) as caught:
            client.SupportPlanService.ListSupportPlans()
        assert caught.value.code_name == "UNAUTHENTICATED"
        with pytest.raises(pumpurs.PumpursError) as caught:
            client.sign_in("direktors1", "wrong")
        assert caught.value.code_name == "UNAUTHENTICATED"


def test_misuse_is_a_python_error(head):
    with pytest.raises(KeyError):
        head.call("SupportPlanService.NoSuchMethod")
    with pytest.raises(AttributeError):
        head.NoSuchService  # noqa: B018
    with pytest.raises(AttributeError):
        head.SupportPlanService.NoSuchMethod  # noqa: B018
    with pytest.raises(TypeError):
        head.call("SupportPlanService.GetSupportPlan",
                  support_plan_pb2.ListSupportPlansRequest())


def test_closed_client_refuses_calls(server):
    client = pumpurs.Client(server.target)
    client.close()
    client.close()  # twice is fine
    with pytest.raises(ValueError):
        client.SystemService.GetServerInfo()


def test_unreachable_server():
    with pumpurs.Client("127.0.0.1:1", deadline=2.0) as client:
        with pytest.raises(pumpurs.PumpursError) as caught:
            client.SystemService.GetServerInfo()
        assert caught.value.code_name in ("UNAVAILABLE", "DEADLINE_EXCEEDED")


def test_offline_round_trip(tmp_path):
    """Sync, read the cache with the server stopped, queue an edit offline,
    replay it once the server is back; a stale edit becomes a conflict."""
    workdir = tmp_path / "server"
    workdir.mkdir()
    server = harness.Server(str(workdir), demo=True).start(timeout=60)
    try:
        with pumpurs.Client(server.target) as client:
            session = client.sign_in("pedagogs1", PASSWORD)
            drafts = client.SupportPlanService.ListSupportPlans(
                institution=institution_of(session),
                state=support_plan_pb2.PLAN_STATE_DRAFT).support_plans
            assert drafts
            draft = drafts[0]
            store_path = str(tmp_path / "offline.db")
            with pumpurs.OfflineStore(store_path) as store:
                report = store.sync(client)
                assert isinstance(report, offline_pb2.SyncReport)
                assert report.changes > 0 and report.sync_token
                cached = store.list("supportPlans/")
                assert draft.name in [c.resource for c in cached]
            session = client.session

        server.stop()

        # Offline: the cache still answers; the network does not.
        with pumpurs.Client(server.target, session=session,
                            deadline=2.0) as client, \
                pumpurs.OfflineStore(store_path) as store:
            change = store.get(draft.name)
            assert isinstance(change, sync_pb2.Change)
            assert change.support_plan.name == draft.name
            assert change.support_plan.etag == draft.etag
            assert store.get("supportPlans/nope") is None
            with pytest.raises(pumpurs.PumpursError) as caught:
                store.sync(client)
            assert caught.value.code_name in ("UNAVAILABLE",
                                              "DEADLINE_EXCEEDED")

            edit = support_plan_pb2.UpdateSupportPlanRequest(
                support_plan=support_plan_pb2.SupportPlan(
                    name=draft.name, etag=draft.etag,
                    problem_description="Edited offline (Python binding)."),
                update_mask=field_mask_pb2.FieldMask(
                    paths=["problem_description"]))
            queued = store.enqueue("SupportPlanService.UpdateSupportPlan",
                                   edit, resource=draft.name,
                                   base_etag=draft.etag)
            assert queued.id > 0
            assert queued.method == (
                "/pumpurs.v1.SupportPlanService/UpdateSupportPlan")
            session = client.session

        # The outbox survived closing the store (as if the app was killed).
        server.start(timeout=60)
        with pumpurs.Client(server.target, session=session) as client, \
                pumpurs.OfflineStore(store_path) as store:
            assert [m.id for m in store.pending()] == [queued.id]
            report = store.replay(client)
            assert isinstance(report, offline_pb2.ReplayReport)
            assert (report.applied, report.conflicts, report.remaining) == (
                1, 0, 0)
            assert store.pending() == []
            plan = client.SupportPlanService.GetSupportPlan(name=draft.name)
            assert plan.problem_description == (
                "Edited offline (Python binding).")

            # An edit made on that version, and meanwhile another one made
            # elsewhere: replay reports a conflict with both versions.
            mine = offline_pb2.OutboxMutation(
                method="/pumpurs.v1.SupportPlanService/UpdateSupportPlan",
                request=support_plan_pb2.UpdateSupportPlanRequest(
                    support_plan=support_plan_pb2.SupportPlan(
                        name=plan.name, etag=plan.etag,
                        problem_description="Mine."),
                    update_mask=field_mask_pb2.FieldMask(
                        paths=["problem_description"])).SerializeToString(),
                resource=plan.name, base_etag=plan.etag)
            mine = store.enqueue(mine)
            theirs = client.SupportPlanService.UpdateSupportPlan(
                support_plan=support_plan_pb2.SupportPlan(
                    name=plan.name, etag=plan.etag,
                    problem_description="Theirs."),
                update_mask=field_mask_pb2.FieldMask(
                    paths=["problem_description"]))
            report = store.replay(client)
            assert (report.applied, report.conflicts, report.remaining) == (
                0, 1, 0)
            conflicts = store.conflicts()
            assert len(conflicts) == 1
            conflict = conflicts[0]
            assert conflict.mutation.id == mine.id
            assert conflict.code == 10  # ABORTED
            assert conflict.reason == "ETAG_MISMATCH"
            assert conflict.server_version.support_plan.etag == theirs.etag
            assert (conflict.server_version.support_plan.problem_description
                    == "Theirs.")
            # Not silently overwritten.
            assert client.SupportPlanService.GetSupportPlan(
                name=plan.name).problem_description == "Theirs."
            store.drop_conflict(mine.id)
            assert store.conflicts() == []
            with pytest.raises(pumpurs.PumpursError) as caught:
                store.drop_conflict(424242)
            assert caught.value.code_name == "NOT_FOUND"
    finally:
        server.kill9()
