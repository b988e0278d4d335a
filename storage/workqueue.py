"""A reliable work queue on Redis, shared by schedulers and crawler workers.

A job moves atomically from `queue` to `processing` when taken (BLMOVE) and gets a lease
(a deadline in the `leases` sorted set). The taker acknowledges it when done; a job whose
lease ran out (its worker died) is moved back to the head of the queue by whoever looks
next. So a job is never lost, and may run twice: what the crawler stores is idempotent.
Deadlines use the Redis server's clock, so workers on other machines agree on them.

Besides the queue: a shared duplicate filter whose entries expire, per-domain politeness
slots, and a marker per source so a source is not queued again while it waits.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

import redis

# Moves jobs whose lease ran out back to the queue; a job taken but never leased (its
# taker died between the two commands) gets a lease now, so it is recovered later.
_REQUEUE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local moved = 0
for _, job in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local deadline = redis.call('ZSCORE', KEYS[2], job)
  if not deadline then
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), job)
  elseif tonumber(deadline) < now then
    redis.call('LREM', KEYS[1], 1, job)
    redis.call('ZREM', KEYS[2], job)
    redis.call('RPUSH', KEYS[3], job)
    moved = moved + 1
  end
end
return moved
"""

# Sets (or with XX, renews) the lease of jobs to server time + ARGV[1] ms.
_LEASE = """
local t = redis.call('TIME')
local deadline = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local flag = ARGV[2]
for i = 3, #ARGV do
  if flag == 'XX' then
    redis.call('ZADD', KEYS[1], 'XX', deadline, ARGV[i])
  else
    redis.call('ZADD', KEYS[1], deadline, ARGV[i])
  end
end
return #ARGV - 2
"""


# Moves delayed jobs whose time has come (server clock) to the queue.
_RELEASE_DUE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, job in ipairs(due) do
  redis.call('ZREM', KEYS[1], job)
  redis.call('RPUSH', KEYS[2], job)
end
return #due
"""


@dataclass(frozen=True)
class Job:
    raw: str  # exactly as stored: the handle for ack and renew
    body: dict[str, Any]


class WorkQueue:
    def __init__(self, client: redis.Redis, prefix: str, lease_seconds: float):
        self.client = client
        self.prefix = prefix
        self.lease_ms = int(lease_seconds * 1000)
        self.queue = f"{prefix}:queue"
        self.processing = f"{prefix}:processing"
        self.leases = f"{prefix}:leases"
        self.delayed = f"{prefix}:delayed"  # jobs to retry later, scored by when (ms)
        self._requeue = client.register_script(_REQUEUE)
        self._lease = client.register_script(_LEASE)
        self._release_due = client.register_script(_RELEASE_DUE)

    @classmethod
    def from_url(cls, url: str, prefix: str, lease_seconds: float) -> WorkQueue:
        return cls(redis.Redis.from_url(url, decode_responses=True), prefix, lease_seconds)

    # --- jobs ------------------------------------------------------------------------------

    def put(self, body: dict[str, Any]) -> str:
        job_id = uuid.uuid4().hex
        self.client.lpush(self.queue, json.dumps({**body, "id": job_id}, ensure_ascii=False))
        return job_id

    def put_later(self, body: dict[str, Any], delay_seconds: float) -> str:
        """Queue a job once `delay_seconds` have passed (on the Redis server's clock)."""
        job_id = uuid.uuid4().hex
        raw = json.dumps({**body, "id": job_id}, ensure_ascii=False)
        now_s, now_us = self.client.time()
        due_ms = now_s * 1000 + now_us // 1000 + int(delay_seconds * 1000)
        self.client.zadd(self.delayed, {raw: due_ms})
        return job_id

    def take(self, limit: int, wait_seconds: float) -> list[Job]:
        """Up to `limit` jobs, waiting up to wait_seconds for the first one; all leased."""
        first = self.client.blmove(self.queue, self.processing, wait_seconds, "RIGHT", "LEFT")
        if first is None:
            return []
        raws = [first]
        while len(raws) < limit:
            more = self.client.lmove(self.queue, self.processing, "RIGHT", "LEFT")
            if more is None:
                break
            raws.append(more)
        self._lease(keys=[self.leases], args=[self.lease_ms, "NX", *raws])
        return [Job(raw, json.loads(raw)) for raw in raws]

    def renew(self, jobs: list[Job]) -> None:
        """Extend the leases of jobs still being worked on (not of ones already requeued)."""
        if jobs:
            self._lease(keys=[self.leases], args=[self.lease_ms, "XX", *(j.raw for j in jobs)])

    def ack(self, jobs: list[Job]) -> None:
        pipe = self.client.pipeline()
        for job in jobs:
            pipe.lrem(self.processing, 1, job.raw)
            pipe.zrem(self.leases, job.raw)
        pipe.execute()

    def requeue_expired(self) -> int:
        """Jobs of dead workers, and delayed jobs now due, back to the queue."""
        due = int(self._release_due(keys=[self.delayed, self.queue]))
        return due + int(
            self._requeue(keys=[self.processing, self.leases, self.queue], args=[self.lease_ms])
        )

    def delayed_jobs(self) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in self.client.zrange(self.delayed, 0, -1)]

    def waiting(self) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in self.client.lrange(self.queue, 0, -1)]

    def in_flight(self) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in self.client.lrange(self.processing, 0, -1)]

    # --- shared state beside the queue -----------------------------------------------------

    def first_sight(self, key: str, ttl_seconds: float) -> bool:
        """True once per key until the entry expires: the shared duplicate filter."""
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
        name = f"{self.prefix}:seen:{digest}"
        return bool(self.client.set(name, 1, nx=True, px=int(ttl_seconds * 1000)))

    def forget(self, key: str) -> None:
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
        self.client.delete(f"{self.prefix}:seen:{digest}")

    def polite_wait(self, domain: str, delay_seconds: float) -> float:
        """0 if this caller may request `domain` now (and holds it for delay_seconds), else
        the seconds until the domain's slot frees. Holds across every worker."""
        name = f"{self.prefix}:polite:{domain}"
        if self.client.set(name, 1, nx=True, px=max(1, int(delay_seconds * 1000))):
            return 0.0
        remaining = self.client.pttl(name)
        return max(remaining, 1) / 1000 if remaining != -2 else 0.001

    def claim_source(self, source_id: str, ttl_seconds: float) -> bool:
        """False while this source's polling request waits or runs (see release_source)."""
        name = f"{self.prefix}:pending:{source_id}"
        return bool(self.client.set(name, 1, nx=True, px=int(ttl_seconds * 1000)))

    def release_source(self, source_id: str) -> None:
        self.client.delete(f"{self.prefix}:pending:{source_id}")
