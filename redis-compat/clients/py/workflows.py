#!/usr/bin/python3
"""redis-py (Debian's python3-redis 4.3) running the three stream workflows.

    workflows.py MODE WORKFLOW PORT PREFIX [STATE_FILE]

MODE: sync      redis.Redis, one command per call, threads for concurrency
      pipeline  redis.Redis with pipeline(transaction=False) for bulk writes
                and pipeline(transaction=True) (MULTI/EXEC) for acks
      async     redis.asyncio.Redis, tasks for concurrency
WORKFLOW: jobs, iot, audit1 (before a restart), audit2 (after it).
The workflows and their invariants are described in ../README.md; every
client implements the same steps.  Exit 0 when every invariant held,
otherwise print the broken one on stderr and exit 1.
"""
import asyncio
import sys
import threading
import time

import redis
import redis.asyncio as aredis

N_JOBS = 60
N_WRITERS = 4
PER_WRITER = 1500
TS0 = 1700000000000
ORDERS = 10
PER_ORDER = 20
LATEST = 10


class Broken(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Broken(what)


def s(v):
    return v.decode() if isinstance(v, bytes) else v


# ---- expectations shared by every mode -------------------------------------

def reading(writer, i):
    """The i-th reading of writer: (ts, value in tenths)."""
    return TS0 + i * 1000, 200 + (writer * 7 + i * 13) % 100


def expected_minutes():
    sums = {}
    for w in range(N_WRITERS):
        for i in range(PER_WRITER):
            ts, tenths = reading(w, i)
            m = ts // 60000
            acc = sums.setdefault(m, [0, 0])
            acc[0] += tenths
            acc[1] += 1
    return sums


def state_name(k):
    return ["new", "paid"][k] if k < 2 else "step%d" % k


def audit_entry(i):
    """The i-th audit entry's fields (order ids 550..559 interleaved)."""
    order = 550 + i % ORDERS
    k = i // ORDERS
    who = "manager_alex" if i % 3 == 0 else "clerk_%d" % (i % 7)
    return {"action": "status_change", "order_id": str(order),
            "old": state_name(k), "new": state_name(k + 1), "user": who}


def check_history(entries, want_ids):
    """Order 555's history: the recorded IDs, in order, states chained."""
    got = [(s(i), {s(k): s(v) for k, v in f.items()}) for i, f in entries
           if s(f.get(b"order_id", f.get("order_id"))) == "555"]
    check([i for i, _ in got] == want_ids,
          "order 555 replay: IDs %s, expected %s" % ([i for i, _ in got][:3], want_ids[:3]))
    prev = "new"
    for k, (_, f) in enumerate(got):
        check(f["old"] == prev, "order 555 step %d: old %s after new %s" % (k, f["old"], prev))
        check(f == audit_entry(5 + k * ORDERS), "order 555 step %d: fields %s" % (k, f))
        prev = f["new"]


def aggregate(batches):
    """Per-minute sums from XREAD batches; checks batch sizes and per-device order."""
    sums = {}
    last_ts = {}
    n = 0
    for batch in batches:
        check(1 <= len(batch) <= 1000, "aggregator batch of %d entries" % len(batch))
        for _id, f in batch:
            f = {s(k): s(v) for k, v in f.items()}
            dev, ts = f["device_id"], int(f["ts"])
            check(ts > last_ts.get(dev, -1), "device %s: ts %d out of order" % (dev, ts))
            last_ts[dev] = ts
            tenths = round(float(f["val"]) * 10)
            acc = sums.setdefault(ts // 60000, [0, 0])
            acc[0] += tenths
            acc[1] += 1
            n += 1
    check(n == N_WRITERS * PER_WRITER, "aggregator saw %d entries" % n)
    want = expected_minutes()
    check(sorted(sums) == sorted(want), "aggregator minutes differ")
    for m in want:
        got_avg = sums[m][0] / sums[m][1]
        want_avg = want[m][0] / want[m][1]
        check(sums[m][1] == want[m][1] and abs(got_avg - want_avg) < 1e-9,
              "minute %d: average %.4f over %d, expected %.4f over %d"
              % (m, got_avg, sums[m][1], want_avg, want[m][1]))
    check(len(batches) == (n + 999) // 1000, "%d batches of COUNT 1000" % len(batches))


def read_state(path):
    with open(path) as f:
        lines = f.read().split("\n")
    return lines[0].split(), lines[1].split(), int(lines[2])


def write_state(path, ids555, latest, total):
    with open(path, "w") as f:
        f.write("%s\n%s\n%d\n" % (" ".join(ids555), " ".join(latest), total))


def job_fields(i):
    return {"to": "user%d@example.com" % i, "template": "welcome", "context_id": str(42 + i)}


# ---- sync client (also the pipeline mode) -----------------------------------

def blocked(r):
    return int(r.info("clients")["blocked_clients"])


def wait_blocked(r, n):
    deadline = time.time() + 10
    while blocked(r) != n:
        check(time.time() < deadline, "never saw %d blocked clients" % n)
        time.sleep(0.005)


def sync_jobs(port, prefix, piped):
    key, group = prefix + "jobs:email", "workers"
    r = redis.Redis(port=port)
    r.delete(key)
    r.xgroup_create(key, group, "$", mkstream=True)
    acks = {}
    lock = threading.Lock()
    dead = []
    errors = []
    done = threading.Event()

    def dying():
        c = redis.Redis(port=port, single_connection_client=True)
        try:
            reply = c.xreadgroup(group, "dead", {key: ">"}, count=5, block=10000)
            dead.extend(s(i) for i, _ in reply[0][1])
        except Exception as e:  # noqa: BLE001 -- reported by the main thread
            errors.append("dying worker: %r" % e)
        c.close()  # dies holding its jobs

    def ack(c, name, ids):
        if piped:
            p = c.pipeline(transaction=True)
            for i in ids:
                p.xack(key, group, i)
                p.hincrby(prefix + "jobs:done", name, 1)
            replies = p.execute()[0::2]
        else:
            replies = [c.xack(key, group, i) for i in ids]
        with lock:
            for i, n in zip(ids, replies):
                check(n == 1, "XACK %s answered %r" % (i, n))
                acks[i] = acks.get(i, 0) + 1

    def worker(name):
        c = redis.Redis(port=port, single_connection_client=True)
        block = 10000
        try:
            while True:
                reply = c.xreadgroup(group, name, {key: ">"}, count=10, block=block)
                block = 300
                if not reply:
                    if done.is_set():
                        break
                    continue
                ack(c, name, [s(i) for i, _ in reply[0][1]])
        except Exception as e:  # noqa: BLE001
            errors.append("%s: %r" % (name, e))
        c.close()

    r.delete(prefix + "jobs:done")
    t_dead = threading.Thread(target=dying)
    t_dead.start()
    wait_blocked(r, 1)
    workers = [threading.Thread(target=worker, args=("w%d" % k,)) for k in (1, 2)]
    for t in workers:
        t.start()
    wait_blocked(r, 3)
    if piped:
        p = r.pipeline(transaction=False)
        for i in range(N_JOBS):
            p.xadd(key, job_fields(i))
        produced = [s(i) for i in p.execute()]
    else:
        produced = [s(r.xadd(key, job_fields(i))) for i in range(N_JOBS)]
    done.set()
    t_dead.join()
    for t in workers:
        t.join()
    check(not errors, "; ".join(errors))
    check(len(dead) >= 1 and produced[0] in dead, "the dying worker got %r" % dead)
    pend = r.xpending(key, group)
    check(pend["pending"] == len(dead), "XPENDING before the claim: %r" % pend)
    check([(s(c["name"]), c["pending"]) for c in pend["consumers"]] == [("dead", len(dead))],
          "XPENDING consumers: %r" % pend["consumers"])
    time.sleep(0.05)
    nxt, claimed = r.xautoclaim(key, group, "w1", 20, "0-0", count=100)[:2]
    check(s(nxt) == "0-0", "XAUTOCLAIM cursor %r" % nxt)
    check([s(i) for i, _ in claimed] == dead, "XAUTOCLAIM took %r, expected %r" % (claimed, dead))
    check(all(f[b"template"] == b"welcome" for _, f in claimed), "claimed job fields")
    ack(r, "w1", [s(i) for i, _ in claimed])
    check(sorted(acks) == sorted(produced) and set(acks.values()) == {1},
          "acks: %d distinct of %d, counts %r" % (len(acks), len(produced), set(acks.values())))
    pend = r.xpending(key, group)
    check(pend["pending"] == 0 and pend["consumers"] == [], "XPENDING at the end: %r" % pend)
    if piped:
        done_counts = {s(k): int(v) for k, v in r.hgetall(prefix + "jobs:done").items()}
        check(sum(done_counts.values()) == N_JOBS, "jobs:done %r" % done_counts)


def sync_iot(port, prefix, piped):
    key = prefix + "sensors:temp"
    r = redis.Redis(port=port)
    r.delete(key)
    errors = []

    def writer(w):
        c = redis.Redis(port=port, single_connection_client=True)
        try:
            p = c.pipeline(transaction=False) if piped else None
            for i in range(PER_WRITER):
                ts, tenths = reading(w, i)
                fields = {"device_id": "sensor-%d" % w, "val": "%d.%d" % divmod(tenths, 10),
                          "ts": ts}
                (p or c).xadd(key, fields, maxlen=100000, approximate=True)
                if p is not None and len(p) == 100:
                    p.execute()
            if p is not None:
                p.execute()
        except Exception as e:  # noqa: BLE001
            errors.append("writer %d: %r" % (w, e))
        c.close()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(N_WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, "; ".join(errors))
    check(r.xlen(key) == N_WRITERS * PER_WRITER, "XLEN %d" % r.xlen(key))
    batches = []
    last = "0-0"
    while True:
        reply = r.xread({key: last}, count=1000)
        if not reply:
            break
        batch = reply[0][1]
        batches.append(batch)
        last = batch[-1][0]
    aggregate(batches)
    trimmed = r.xtrim(key, maxlen=1000, approximate=True)
    n = r.xlen(key)
    check(1000 <= n < N_WRITERS * PER_WRITER and n + trimmed == N_WRITERS * PER_WRITER,
          "XTRIM MAXLEN ~ 1000 removed %d, XLEN %d" % (trimmed, n))


def sync_audit(port, prefix, piped, phase, state):
    key = prefix + "audit:orders"
    r = redis.Redis(port=port)
    total = ORDERS * PER_ORDER
    if phase == 1:
        r.delete(key)
        if piped:
            ids = []
            for start in range(0, total, 50):
                p = r.pipeline(transaction=True)
                for i in range(start, min(start + 50, total)):
                    p.xadd(key, audit_entry(i))
                ids.extend(s(i) for i in p.execute())
        else:
            ids = [s(r.xadd(key, audit_entry(i))) for i in range(total)]
        ids555 = [ids[i] for i in range(5, total, ORDERS)]
        latest = ids[-LATEST:][::-1]
    else:
        ids555, latest, total = read_state(state)
        check(r.xlen(key) == total, "after the restart: XLEN %d, expected %d" % (r.xlen(key), total))
    entries = []
    start = "-"
    while True:
        page = r.xrange(key, start, "+", count=50)
        entries.extend(page)
        if len(page) < 50:
            break
        start = "(" + s(page[-1][0])
    check(len(entries) == total, "XRANGE replay: %d entries" % len(entries))
    check_history(entries, ids555)
    rev = r.xrevrange(key, "+", "-", count=LATEST)
    check([s(i) for i, _ in rev] == latest, "XREVRANGE latest %d: %r" % (LATEST, rev[:2]))
    if phase == 1:
        write_state(state, ids555, latest, total)
    else:
        new = s(r.xadd(key, audit_entry(total)))
        check(tuple(map(int, new.split("-"))) > tuple(map(int, latest[0].split("-"))),
              "an ID after the restart %s is not above %s" % (new, latest[0]))


# ---- asyncio client ---------------------------------------------------------

async def async_wait_blocked(r, n):
    deadline = time.time() + 10
    while int((await r.info("clients"))["blocked_clients"]) != n:
        check(time.time() < deadline, "never saw %d blocked clients" % n)
        await asyncio.sleep(0.005)


async def async_jobs(port, prefix):
    key, group = prefix + "jobs:email", "workers"
    r = aredis.Redis(port=port)
    await r.delete(key)
    await r.xgroup_create(key, group, "$", mkstream=True)
    acks = {}
    done = asyncio.Event()

    async def dying():
        c = aredis.Redis(port=port, single_connection_client=True)
        reply = await c.xreadgroup(group, "dead", {key: ">"}, count=5, block=10000)
        await c.close()
        return [s(i) for i, _ in reply[0][1]]

    async def ack(c, ids):
        for i in ids:
            n = await c.xack(key, group, i)
            check(n == 1, "XACK %s answered %r" % (i, n))
            acks[i] = acks.get(i, 0) + 1

    async def worker(name):
        c = aredis.Redis(port=port, single_connection_client=True)
        block = 10000
        while True:
            reply = await c.xreadgroup(group, name, {key: ">"}, count=10, block=block)
            block = 300
            if not reply:
                if done.is_set():
                    break
                continue
            await ack(c, [s(i) for i, _ in reply[0][1]])
        await c.close()

    t_dead = asyncio.create_task(dying())
    await async_wait_blocked(r, 1)
    workers = [asyncio.create_task(worker("w%d" % k)) for k in (1, 2)]
    await async_wait_blocked(r, 3)
    produced = [s(await r.xadd(key, job_fields(i))) for i in range(N_JOBS)]
    done.set()
    dead = await t_dead
    await asyncio.gather(*workers)
    check(len(dead) >= 1 and produced[0] in dead, "the dying worker got %r" % dead)
    pend = await r.xpending(key, group)
    check(pend["pending"] == len(dead), "XPENDING before the claim: %r" % pend)
    await asyncio.sleep(0.05)
    nxt, claimed = (await r.xautoclaim(key, group, "w1", 20, "0-0", count=100))[:2]
    check(s(nxt) == "0-0", "XAUTOCLAIM cursor %r" % nxt)
    check([s(i) for i, _ in claimed] == dead, "XAUTOCLAIM took %r, expected %r" % (claimed, dead))
    await ack(r, [s(i) for i, _ in claimed])
    check(sorted(acks) == sorted(produced) and set(acks.values()) == {1}, "acks %r" % acks)
    pend = await r.xpending(key, group)
    check(pend["pending"] == 0 and pend["consumers"] == [], "XPENDING at the end: %r" % pend)
    await r.close()


async def async_iot(port, prefix):
    key = prefix + "sensors:temp"
    r = aredis.Redis(port=port)
    await r.delete(key)

    async def writer(w):
        c = aredis.Redis(port=port, single_connection_client=True)
        for i in range(PER_WRITER):
            ts, tenths = reading(w, i)
            await c.xadd(key, {"device_id": "sensor-%d" % w, "val": "%d.%d" % divmod(tenths, 10),
                               "ts": ts}, maxlen=100000, approximate=True)
        await c.close()

    await asyncio.gather(*(writer(w) for w in range(N_WRITERS)))
    batches = []
    last = "0-0"
    while True:
        reply = await r.xread({key: last}, count=1000)
        if not reply:
            break
        batches.append(reply[0][1])
        last = reply[0][1][-1][0]
    aggregate(batches)
    trimmed = await r.xtrim(key, maxlen=1000, approximate=True)
    n = await r.xlen(key)
    check(1000 <= n < N_WRITERS * PER_WRITER and n + trimmed == N_WRITERS * PER_WRITER,
          "XTRIM MAXLEN ~ 1000 removed %d, XLEN %d" % (trimmed, n))
    await r.close()


async def async_audit(port, prefix, phase, state):
    key = prefix + "audit:orders"
    r = aredis.Redis(port=port)
    total = ORDERS * PER_ORDER
    if phase == 1:
        await r.delete(key)
        ids = [s(await r.xadd(key, audit_entry(i))) for i in range(total)]
        ids555 = [ids[i] for i in range(5, total, ORDERS)]
        latest = ids[-LATEST:][::-1]
        write_state(state, ids555, latest, total)
    else:
        ids555, latest, total = read_state(state)
    entries = await r.xrange(key, "-", "+")
    check(len(entries) == total, "XRANGE replay: %d entries, expected %d" % (len(entries), total))
    check_history(entries, ids555)
    rev = await r.xrevrange(key, "+", "-", count=LATEST)
    check([s(i) for i, _ in rev] == latest, "XREVRANGE latest: %r" % rev[:2])
    if phase == 2:
        new = s(await r.xadd(key, audit_entry(total)))
        check(tuple(map(int, new.split("-"))) > tuple(map(int, latest[0].split("-"))),
              "an ID after the restart %s is not above %s" % (new, latest[0]))
    await r.close()


def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    mode, workflow, port, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    state = sys.argv[5] if len(sys.argv) > 5 else None
    try:
        if mode == "async":
            if workflow == "jobs":
                asyncio.run(async_jobs(port, prefix))
            elif workflow == "iot":
                asyncio.run(async_iot(port, prefix))
            else:
                asyncio.run(async_audit(port, prefix, 1 if workflow == "audit1" else 2, state))
        else:
            piped = mode == "pipeline"
            if workflow == "jobs":
                sync_jobs(port, prefix, piped)
            elif workflow == "iot":
                sync_iot(port, prefix, piped)
            else:
                sync_audit(port, prefix, piped, 1 if workflow == "audit1" else 2, state)
    except Broken as e:
        print("broken invariant: %s" % e, file=sys.stderr)
        return 1
    except redis.RedisError as e:
        print("redis error: %r" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
