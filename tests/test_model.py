"""The job model: every state change the table allows, every one it refuses,
attempts, history, serialisation and queue order."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from ktptui.model import (
    ACTIVE_STATES,
    FINAL_STATES,
    HOLDS_AUTHORIZATION,
    TRANSITIONS,
    IllegalTransition,
    Job,
    Priority,
    Reason,
    State,
    can_transition,
    from_text,
    new_job,
    queue_order,
    to_text,
    transition,
)

S = State
#: The state machine as README "Job states" describes it: (from, to) -> new attempt.
EXPECTED: dict[tuple[State, State], bool] = {
    (S.QUEUED, S.HELD): False,
    (S.QUEUED, S.AUTHORIZED): False,
    (S.QUEUED, S.REJECTED): False,
    (S.QUEUED, S.CANCELLED): False,
    (S.HELD, S.QUEUED): False,
    (S.HELD, S.CANCELLED): False,
    (S.AUTHORIZED, S.PRINTING): False,
    (S.AUTHORIZED, S.QUEUED): True,
    (S.AUTHORIZED, S.HELD): True,
    (S.AUTHORIZED, S.CANCELLED): False,
    (S.PRINTING, S.PRINTED): False,
    (S.PRINTING, S.QUEUED): True,
    (S.PRINTING, S.INTERRUPTED): False,
    (S.INTERRUPTED, S.PRINTED): False,
    (S.INTERRUPTED, S.QUEUED): True,
    (S.PRINTED, S.DONE): False,
    (S.WAITING_CITIZEN, S.QUEUED): False,
    (S.WAITING_CITIZEN, S.HELD): False,
    (S.WAITING_CITIZEN, S.CANCELLED): False,
}
ALL_PAIRS = list(itertools.product(State, State))
LEGAL = [p for p in ALL_PAIRS if p in EXPECTED]
ILLEGAL = [p for p in ALL_PAIRS if p not in EXPECTED]
T0 = datetime(2026, 11, 23, 3, 10, tzinfo=UTC)


def job_in(state: State, **fields: object) -> Job:
    """A job already in ``state``, holding an authorisation (as it would in
    authorized / printing / interrupted)."""
    job = new_job("3515054103900011", operator="op", at=T0)
    return job.changed(
        state=state, authorization_id="auth-1", expires_at=to_text(T0 + timedelta(hours=1)),
        document="doc.pdf", document_sha256="ab" * 32, content_type="application/pdf",
        next_retry_at=to_text(T0), **fields,
    )


def test_table_is_exactly_the_documented_state_machine() -> None:
    assert TRANSITIONS == EXPECTED


def test_state_groups() -> None:
    assert {S.DONE, S.REJECTED, S.CANCELLED} == FINAL_STATES
    assert set(State) - FINAL_STATES == ACTIVE_STATES
    assert {S.AUTHORIZED, S.PRINTING, S.INTERRUPTED} == HOLDS_AUTHORIZATION
    # Nothing leaves a final state.
    assert not [p for p in TRANSITIONS if p[0] in FINAL_STATES]


@pytest.mark.parametrize(("frm", "to"), LEGAL, ids=[f"{f}->{t}" for f, t in LEGAL])
def test_legal_transition(frm: State, to: State) -> None:
    job = job_in(frm)
    at = T0 + timedelta(minutes=5)
    moved = transition(job, to, operator="siti@10.0.0.5", note="why", at=at)
    assert can_transition(frm, to)
    assert moved.state is to
    assert moved.updated_at == to_text(at)
    assert moved.created_at == job.created_at
    assert moved.history[:-1] == job.history
    last = moved.history[-1]
    assert (last.from_state, last.to_state, last.operator, last.note) == (
        frm.value, to.value, "siti@10.0.0.5", "why")
    assert last.at == to_text(at)
    assert job.state is frm  # the original is untouched (immutable values)
    if EXPECTED[(frm, to)]:
        # A new attempt: the old authorisation and its document are dropped.
        assert moved.attempt == job.attempt + 1
        assert (moved.authorization_id, moved.expires_at, moved.document,
                moved.document_sha256, moved.content_type) == (None,) * 5
    else:
        assert moved.attempt == job.attempt
        assert moved.authorization_id == job.authorization_id
        assert moved.document == job.document
    if to is S.QUEUED:
        assert moved.next_retry_at is None
    else:
        assert moved.next_retry_at == job.next_retry_at


@pytest.mark.parametrize(("frm", "to"), ILLEGAL, ids=[f"{f}->{t}" for f, t in ILLEGAL])
def test_illegal_transition(frm: State, to: State) -> None:
    job = job_in(frm)
    assert not can_transition(frm, to)
    with pytest.raises(IllegalTransition) as info:
        transition(job, to, operator="op")
    msg = str(info.value)
    assert msg.startswith(f"job {job.short_id} cannot go from {frm.value} to {to.value} (")
    allowed = sorted(t.value for (f, t) in EXPECTED if f is frm)
    if allowed:
        assert f"allowed from {frm.value}: {', '.join(allowed)}" in msg
    else:
        assert f"{frm.value} is final" in msg
    assert info.value.job is job and info.value.to is to


def test_transition_sets_extra_fields() -> None:
    job = new_job("3515054103900011", operator="op")
    moved = transition(job, S.AUTHORIZED, operator="engine", authorization_id="a-9",
                       holder_name="SITI AMINAH")
    assert (moved.authorization_id, moved.holder_name) == ("a-9", "SITI AMINAH")
    rejected = transition(job, S.REJECTED, operator="engine", error_code="not_recorded",
                          last_error="not recorded")
    assert rejected.error_code == "not_recorded" and rejected.is_final


def test_attempts_count_through_a_spoiled_print_and_a_reprint() -> None:
    job = new_job("3515054103900011", operator="op")
    assert (job.state, job.attempt) == (S.QUEUED, 1)
    path = [S.AUTHORIZED, S.PRINTING, S.QUEUED, S.AUTHORIZED, S.PRINTING, S.INTERRUPTED,
            S.QUEUED, S.AUTHORIZED, S.PRINTING, S.PRINTED, S.DONE]
    for to in path:
        job = transition(job, to, operator="op")
    assert job.attempt == 3
    assert [h.to_state for h in job.history] == ["queued", *[s.value for s in path]]
    assert job.history[0].from_state is None


def test_new_job_defaults() -> None:
    job = new_job("3515054103900011", operator="op", reason=Reason.LOST, urgent=True,
                  note="lost in flood", at=T0)
    assert job.state is S.QUEUED and job.attempt == 1
    assert job.priority is Priority.URGENT and job.reason is Reason.LOST
    assert job.created_at == job.updated_at == "2026-11-23T03:10:00.000+00:00"
    assert len(job.id) == 36 and job.short_id == job.id[:8]
    assert job.history[0].note == "lost in flood"
    assert new_job("3515054103900011", operator="op").priority is Priority.NORMAL
    assert new_job("3515054103900011", operator="op").id != job.id


def test_dict_round_trip_and_unknown_fields_ignored() -> None:
    job = transition(job_in(S.AUTHORIZED), S.PRINTING, operator="op", note="n")
    d = job.to_dict()
    assert d["state"] == "printing" and d["reason"] == "new" and d["priority"] == "normal"
    assert isinstance(d["history"], list) and d["history"][-1]["to_state"] == "printing"
    assert Job.from_dict(d) == job
    assert Job.from_dict({**d, "field_from_a_newer_version": 1}) == job


def test_times_are_rfc3339_utc_with_offset() -> None:
    wib = datetime(2026, 11, 23, 10, 10, 0, 123456).astimezone()
    text = to_text(wib)
    assert text.endswith("+00:00") and len(text.split(".")[1]) == len("123+00:00")
    assert from_text(text) == wib.replace(microsecond=123000)


def test_queue_order_urgent_first_then_oldest_then_id() -> None:
    def mk(minute: int, urgent: bool, jid: str) -> Job:
        return new_job("3515054103900011", operator="op", urgent=urgent,
                       at=T0 + timedelta(minutes=minute)).changed(id=jid)

    jobs = [mk(1, False, "n1"), mk(5, True, "u5"), mk(0, False, "n0"), mk(9, True, "u9"),
            mk(5, True, "u5b"), mk(0, False, "a0")]
    assert [j.id for j in queue_order(jobs)] == ["u5", "u5b", "u9", "a0", "n0", "n1"]
