"""storage.workqueue on the machine's real Redis: nothing taken is lost, nothing is leased
twice at once, the duplicate filter and the politeness slots hold across clients."""

from __future__ import annotations

import redis

from newswatch.storage.workqueue import WorkQueue
from tests.conftest import REDIS_URL
from tests.daemon_harness import wait_until


def _queue(prefix: str, lease_seconds: float = 60) -> WorkQueue:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    return WorkQueue(client, prefix, lease_seconds)


def test_jobs_come_out_in_order_once_and_an_acknowledged_job_is_gone(redis_prefix) -> None:
    queue = _queue(redis_prefix)
    for n in range(3):
        queue.put({"n": n})
    first, other = _queue(redis_prefix), _queue(redis_prefix)  # two workers
    taken = first.take(2, 1) + other.take(5, 1)
    assert [job.body["n"] for job in taken] == [0, 1, 2]
    assert other.take(1, 0.1) == []
    first.ack(taken)
    assert queue.waiting() == [] and queue.in_flight() == []
    assert queue.requeue_expired() == 0


def test_a_job_whose_lease_runs_out_is_queued_again_and_a_renewed_one_is_not(
    redis_prefix,
) -> None:
    queue = _queue(redis_prefix, lease_seconds=1)
    queue.put({"n": "dies"})
    queue.put({"n": "lives"})
    [dead] = queue.take(1, 1)  # its worker is killed: never acknowledged
    [alive] = queue.take(1, 1)
    wait_until("the lease to run out", lambda: queue.renew([alive]) or queue.requeue_expired())
    assert [job["n"] for job in queue.waiting()] == ["dies"]
    [again] = queue.take(1, 1)
    assert again.body == dead.body
    assert [job["n"] for job in queue.in_flight()] == ["dies", "lives"]


def test_a_job_taken_but_never_leased_is_recovered(redis_prefix) -> None:
    queue = _queue(redis_prefix, lease_seconds=1)
    queue.put({"n": 1})
    # the taker died between moving the job and leasing it
    queue.client.lmove(queue.queue, queue.processing, "RIGHT", "LEFT")
    assert queue.requeue_expired() == 0  # leased now, recovered when that lease runs out
    wait_until("the job to be queued again", queue.requeue_expired)
    assert [job["n"] for job in queue.waiting()] == [1]


def test_duplicate_filter_and_politeness_hold_across_clients(redis_prefix) -> None:
    one, two = _queue(redis_prefix), _queue(redis_prefix)
    assert one.first_sight("https://khovar.tj/a/1", ttl_seconds=60)
    assert not two.first_sight("https://khovar.tj/a/1", ttl_seconds=60)
    assert one.polite_wait("khovar.tj", 30) == 0
    assert 0 < two.polite_wait("khovar.tj", 30) <= 30
    assert two.polite_wait("kazpravda.kz", 30) == 0
    assert one.claim_source("khovar-en", 60) and not two.claim_source("khovar-en", 60)
    one.release_source("khovar-en")
    assert two.claim_source("khovar-en", 60)
