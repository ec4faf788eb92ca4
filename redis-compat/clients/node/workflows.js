'use strict';
// Node clients running the three stream workflows (see ../README.md).
//
//   node workflows.js MODE WORKFLOW PORT PREFIX [STATE_FILE]
//
// MODE: redis4        node-redis 4 (npm redis@4, RESP2 only)
//       redis5        node-redis 5 in RESP2
//       redis5-resp3  node-redis 5 with RESP: 3 (XREAD/XREADGROUP/XINFO
//                     replies are maps; node-redis 5 marks their parsed forms
//                     unstable, so the raw maps are read here)
//       ioredis       ioredis 5
// WORKFLOW: jobs, iot, audit1 (before a restart), audit2 (after it).
// Exit 0 when every invariant held; otherwise the broken one goes to stderr
// and the exit status is 1.
const fs = require('fs');

const N_JOBS = 60;
const N_WRITERS = 4;
const PER_WRITER = 1500;
const TS0 = 1700000000000;
const ORDERS = 10;
const PER_ORDER = 20;
const LATEST = 10;

class Broken extends Error {}
function check(cond, what) {
  if (!cond) throw new Broken(what);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- expectations shared by every client ----------------------------------
function reading(w, i) {
  return [TS0 + i * 1000, 200 + ((w * 7 + i * 13) % 100)];
}
function stateName(k) {
  return k < 2 ? ['new', 'paid'][k] : `step${k}`;
}
function auditEntry(i) {
  return {
    action: 'status_change',
    order_id: String(550 + (i % ORDERS)),
    old: stateName(Math.floor(i / ORDERS)),
    new: stateName(Math.floor(i / ORDERS) + 1),
    user: i % 3 === 0 ? 'manager_alex' : `clerk_${i % 7}`,
  };
}
function jobFields(i) {
  return { to: `user${i}@example.com`, template: 'welcome', context_id: String(42 + i) };
}
function idGreater(a, b) {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am > bm || (am === bm && as > bs);
}
function sameObj(a, b) {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return JSON.stringify(ka) === JSON.stringify(kb) && ka.every((k) => a[k] === b[k]);
}

// ---- one adapter per library: every call returns plain values --------------
// Entries are [id, {field: value}]; a read with nothing is null.
function pairsToObj(flat) {
  const o = {};
  for (let i = 0; i < flat.length; i += 2) o[String(flat[i])] = String(flat[i + 1]);
  return o;
}
function rawEntries(list) {
  return list.map((e) => (e === null ? null : [String(e[0]), pairsToObj(e[1])]));
}
// A RESP3 XREAD/XREADGROUP reply: a map key -> entries (object or Map).
function resp3Streams(reply, key) {
  if (reply === null) return null;
  check(!Array.isArray(reply), `RESP3 XREAD reply is an array, not a map: ${JSON.stringify(reply)}`);
  const entries = reply instanceof Map ? [...reply.entries()] : Object.entries(reply);
  check(entries.length === 1 && String(entries[0][0]) === key, `RESP3 XREAD map keys ${entries.map((e) => e[0])}`);
  return rawEntries(entries[0][1]);
}
function nodeRedisEntries(messages) {
  return messages.map((m) => (m === null ? null : [m.id, { ...m.message }]));
}

function nodeRedisAdapter(mod, resp3) {
  const trim = (cap) => ({ TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: cap } });
  return {
    name: resp3 ? 'node-redis' : 'node-redis',
    libName: 'node-redis',
    async connect(port) {
      const opts = { socket: { port, host: '127.0.0.1' } };
      if (resp3) Object.assign(opts, { RESP: 3, unstableResp3: true });
      const c = mod.createClient(opts);
      c.on('error', () => {});
      await c.connect();
      return c;
    },
    close: (c) => c.disconnect(),
    del: (c, k) => c.del(k),
    info: (c, s) => c.info(s),
    clientInfo: (c) => c.sendCommand(['CLIENT', 'INFO']),
    groupCreate: (c, k, g) => c.xGroupCreate(k, g, '$', { MKSTREAM: true }),
    xadd: (c, k, f, cap) => c.xAdd(k, '*', f, cap ? trim(cap) : undefined),
    async xreadgroup(c, g, name, k, count, block) {
      const r = await c.xReadGroup(g, name, { key: k, id: '>' }, { COUNT: count, BLOCK: block });
      if (resp3) return resp3Streams(r, k);
      if (r === null) return null;
      check(r.length === 1 && r[0].name === k, `XREADGROUP streams ${JSON.stringify(r)}`);
      return nodeRedisEntries(r[0].messages);
    },
    async xread(c, k, id, count) {
      const r = await c.xRead({ key: k, id }, { COUNT: count });
      if (resp3) return resp3Streams(r, k);
      if (r === null) return null;
      return nodeRedisEntries(r[0].messages);
    },
    xack: (c, k, g, id) => c.xAck(k, g, id),
    async xackTx(c, k, g, ids, doneKey, name) {
      const m = c.multi();
      for (const id of ids) m.xAck(k, g, id).hIncrBy(doneKey, name, 1);
      const r = await m.exec();
      return r.filter((_, i) => i % 2 === 0);
    },
    async xpending(c, k, g) {
      const r = await c.xPending(k, g);
      return { pending: Number(r.pending), consumers: (r.consumers || []).map((x) => [String(x.name), x.deliveriesCounter]) };
    },
    async xautoclaim(c, k, g, name, idle, start, count) {
      const r = await c.xAutoClaim(k, g, name, idle, start, { COUNT: count });
      return [String(r.nextId), nodeRedisEntries(r.messages)];
    },
    async xinfoGroups(c, k) {
      const r = await c.xInfoGroups(k);
      // RESP2: parsed objects; RESP3: raw maps (objects or Maps).
      return r.map((g) => (g instanceof Map ? Object.fromEntries(g) : g));
    },
    async xrange(c, k, s, e, count) {
      return nodeRedisEntries(await c.xRange(k, s, e, count ? { COUNT: count } : undefined));
    },
    async xrevrange(c, k, s, e, count) {
      return nodeRedisEntries(await c.xRevRange(k, s, e, { COUNT: count }));
    },
    xlen: (c, k) => c.xLen(k),
    xtrimApprox: (c, k, n) => c.xTrim(k, 'MAXLEN', n, { strategyModifier: '~' }),
    async hgetall(c, k) {
      const r = await c.hGetAll(k);
      return r instanceof Map ? Object.fromEntries(r) : { ...r };
    },
    // node-redis pipelines the commands of one tick on its connection.
    bulkXadd: (c, k, list, cap) => Promise.all(list.map((f) => c.xAdd(k, '*', f, cap ? trim(cap) : undefined))),
  };
}

function ioredisAdapter(Redis) {
  const fieldArgs = (f) => Object.entries(f).flat();
  const xaddArgs = (k, f, cap) => (cap ? [k, 'MAXLEN', '~', cap, '*', ...fieldArgs(f)] : [k, '*', ...fieldArgs(f)]);
  return {
    libName: 'ioredis',
    async connect(port) {
      const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
      c.on('error', () => {});
      await c.connect();
      return c;
    },
    close: (c) => c.disconnect(),
    del: (c, k) => c.del(k),
    info: (c, s) => c.info(s),
    clientInfo: (c) => c.client('INFO'),
    groupCreate: (c, k, g) => c.xgroup('CREATE', k, g, '$', 'MKSTREAM'),
    xadd: (c, k, f, cap) => c.xadd(...xaddArgs(k, f, cap)),
    async xreadgroup(c, g, name, k, count, block) {
      const r = await c.xreadgroup('GROUP', g, name, 'COUNT', count, 'BLOCK', block, 'STREAMS', k, '>');
      if (r === null) return null;
      check(r.length === 1 && r[0][0] === k, `XREADGROUP streams ${JSON.stringify(r)}`);
      return rawEntries(r[0][1]);
    },
    async xread(c, k, id, count) {
      const r = await c.xread('COUNT', count, 'STREAMS', k, id);
      return r === null ? null : rawEntries(r[0][1]);
    },
    xack: (c, k, g, id) => c.xack(k, g, id),
    async xackTx(c, k, g, ids, doneKey, name) {
      const m = c.multi();
      for (const id of ids) m.xack(k, g, id).hincrby(doneKey, name, 1);
      const r = await m.exec();
      r.forEach(([err]) => check(!err, `EXEC: ${err}`));
      return r.filter((_, i) => i % 2 === 0).map(([, v]) => v);
    },
    async xpending(c, k, g) {
      const r = await c.xpending(k, g);
      return { pending: Number(r[0]), consumers: (r[3] || []).map(([n, x]) => [n, Number(x)]) };
    },
    async xautoclaim(c, k, g, name, idle, start, count) {
      const r = await c.xautoclaim(k, g, name, idle, start, 'COUNT', count);
      return [r[0], rawEntries(r[1])];
    },
    async xinfoGroups(c, k) {
      const r = await c.xinfo('GROUPS', k);
      return r.map((flat) => {
        const o = {};
        for (let i = 0; i < flat.length; i += 2) o[flat[i]] = flat[i + 1];
        return o;
      });
    },
    xrange: async (c, k, s, e, count) => rawEntries(await (count ? c.xrange(k, s, e, 'COUNT', count) : c.xrange(k, s, e))),
    xrevrange: async (c, k, s, e, count) => rawEntries(await c.xrevrange(k, s, e, 'COUNT', count)),
    xlen: (c, k) => c.xlen(k),
    xtrimApprox: (c, k, n) => c.xtrim(k, 'MAXLEN', '~', n),
    hgetall: (c, k) => c.hgetall(k),
    async bulkXadd(c, k, list, cap) {
      const p = c.pipeline();
      for (const f of list) p.xadd(...xaddArgs(k, f, cap));
      const r = await p.exec();
      r.forEach(([err]) => check(!err, `pipeline: ${err}`));
      return r.map(([, v]) => v);
    },
  };
}

function makeAdapter(mode) {
  switch (mode) {
    case 'redis4': return nodeRedisAdapter(require('redis4'), false);
    case 'redis5': return nodeRedisAdapter(require('redis'), false);
    case 'redis5-resp3': return nodeRedisAdapter(require('redis'), true);
    case 'ioredis': return ioredisAdapter(require('ioredis'));
    default: throw new Error(`unknown mode ${mode}`);
  }
}

async function blockedClients(a, c) {
  return Number(/blocked_clients:(\d+)/.exec(await a.info(c, 'clients'))[1]);
}
async function waitBlocked(a, c, n) {
  const deadline = Date.now() + 10000;
  while ((await blockedClients(a, c)) !== n) {
    check(Date.now() < deadline, `never saw ${n} blocked clients`);
    await sleep(5);
  }
}

// CLIENT SETINFO lib-name, sent by these clients on connect, must show in
// CLIENT INFO where the server has the command (Redis 7.2+, Runnel); Redis
// 7.0 refuses it and the clients ignore that.
async function checkLibName(a, c) {
  const version = /redis_version:(\S+)/.exec(await a.info(c, 'server'))[1];
  const [maj, min] = version.split('.').map(Number);
  if (maj < 7 || (maj === 7 && min < 2)) return;
  const info = String(await a.clientInfo(c));
  check(info.includes(`lib-name=${a.libName}`), `CLIENT INFO lacks lib-name=${a.libName}: ${info.trim()}`);
}

// ---- the workflows ---------------------------------------------------------
async function jobs(a, port, prefix, transactional) {
  const key = `${prefix}jobs:email`;
  const group = 'workers';
  const doneKey = `${prefix}jobs:done`;
  const r = await a.connect(port);
  await checkLibName(a, r);
  await a.del(r, key);
  await a.del(r, doneKey);
  await a.groupCreate(r, key, group);
  const acks = new Map();
  let producing = true;

  async function ack(c, name, ids) {
    const replies = transactional ? await a.xackTx(c, key, group, ids, doneKey, name)
      : await Promise.all(ids.map((id) => a.xack(c, key, group, id)));
    ids.forEach((id, i) => {
      check(Number(replies[i]) === 1, `XACK ${id} answered ${replies[i]}`);
      acks.set(id, (acks.get(id) || 0) + 1);
    });
  }
  async function worker(name) {
    const c = await a.connect(port);
    let block = 10000;
    for (;;) {
      const got = await a.xreadgroup(c, group, name, key, 10, block);
      block = 300;
      if (got === null) {
        if (!producing) break;
        continue;
      }
      await ack(c, name, got.map(([id]) => id));
    }
    await a.close(c);
  }
  const dc = await a.connect(port);
  const dying = a.xreadgroup(dc, group, 'dead', key, 5, 10000);
  await waitBlocked(a, r, 1);
  const workers = [worker('w1'), worker('w2')];
  await waitBlocked(a, r, 3);
  const produced = [];
  for (let i = 0; i < N_JOBS; i++) produced.push(String(await a.xadd(r, key, jobFields(i))));
  producing = false;
  const dead = (await dying).map(([id]) => id);
  await a.close(dc); // dies holding its jobs
  await Promise.all(workers);
  check(dead.length >= 1 && dead.includes(produced[0]), `the dying worker got ${dead}`);
  let pend = await a.xpending(r, key, group);
  check(pend.pending === dead.length, `XPENDING before the claim: ${JSON.stringify(pend)}`);
  check(JSON.stringify(pend.consumers) === JSON.stringify([['dead', dead.length]]), `XPENDING consumers ${JSON.stringify(pend.consumers)}`);
  await sleep(50);
  const [next, claimed] = await a.xautoclaim(r, key, group, 'w1', 20, '0-0', 100);
  check(next === '0-0', `XAUTOCLAIM cursor ${next}`);
  check(JSON.stringify(claimed.map(([id]) => id)) === JSON.stringify(dead), `XAUTOCLAIM took ${claimed.map(([id]) => id)}, expected ${dead}`);
  check(claimed.every(([, f]) => f.template === 'welcome'), 'claimed job fields');
  await ack(r, 'w1', claimed.map(([id]) => id));
  check(acks.size === N_JOBS && produced.every((id) => acks.get(id) === 1), `acks: ${JSON.stringify([...acks])}`);
  pend = await a.xpending(r, key, group);
  check(pend.pending === 0 && pend.consumers.length === 0, `XPENDING at the end: ${JSON.stringify(pend)}`);
  const groups = await a.xinfoGroups(r, key);
  check(groups.length === 1 && String(groups[0].name) === group && Number(groups[0].pending) === 0 && Number(groups[0].consumers) === 3,
    `XINFO GROUPS ${JSON.stringify(groups)}`);
  if (transactional) {
    const done = await a.hgetall(r, doneKey);
    check(Object.values(done).reduce((s, v) => s + Number(v), 0) === N_JOBS, `jobs:done ${JSON.stringify(done)}`);
  }
  await a.close(r);
}

async function iot(a, port, prefix) {
  const key = `${prefix}sensors:temp`;
  const r = await a.connect(port);
  await a.del(r, key);
  async function writer(w) {
    const c = await a.connect(port);
    for (let start = 0; start < PER_WRITER; start += 100) {
      const batch = [];
      for (let i = start; i < Math.min(start + 100, PER_WRITER); i++) {
        const [ts, tenths] = reading(w, i);
        batch.push({ device_id: `sensor-${w}`, val: `${Math.floor(tenths / 10)}.${tenths % 10}`, ts: String(ts) });
      }
      await a.bulkXadd(c, key, batch, 100000);
    }
    await a.close(c);
  }
  await Promise.all([...Array(N_WRITERS).keys()].map(writer));
  const total = N_WRITERS * PER_WRITER;
  check(Number(await a.xlen(r, key)) === total, 'XLEN after the writers');
  const sums = new Map();
  const lastTs = new Map();
  let last = '0-0';
  let n = 0;
  let batches = 0;
  for (;;) {
    const got = await a.xread(r, key, last, 1000);
    if (got === null) break;
    batches++;
    check(got.length >= 1 && got.length <= 1000, `batch of ${got.length}`);
    for (const [, f] of got) {
      const ts = Number(f.ts);
      check(ts > (lastTs.get(f.device_id) ?? -1), `device ${f.device_id}: ts ${ts} out of order`);
      lastTs.set(f.device_id, ts);
      const m = Math.floor(ts / 60000);
      const acc = sums.get(m) || [0, 0];
      acc[0] += Math.round(Number(f.val) * 10);
      acc[1]++;
      sums.set(m, acc);
      n++;
    }
    last = got[got.length - 1][0];
  }
  check(n === total && batches === Math.ceil(total / 1000), `aggregator: ${n} entries in ${batches} batches`);
  const want = new Map();
  for (let w = 0; w < N_WRITERS; w++) {
    for (let i = 0; i < PER_WRITER; i++) {
      const [ts, tenths] = reading(w, i);
      const m = Math.floor(ts / 60000);
      const acc = want.get(m) || [0, 0];
      acc[0] += tenths;
      acc[1]++;
      want.set(m, acc);
    }
  }
  check(want.size === sums.size, 'aggregator minutes');
  for (const [m, [s, c]] of want) {
    const got = sums.get(m);
    check(got && got[1] === c && Math.abs(got[0] / got[1] - s / c) < 1e-9, `minute ${m}: ${got} expected ${[s, c]}`);
  }
  const trimmed = Number(await a.xtrimApprox(r, key, 1000));
  const left = Number(await a.xlen(r, key));
  check(left >= 1000 && left < total && left + trimmed === total, `XTRIM ~ 1000: removed ${trimmed}, XLEN ${left}`);
  await a.close(r);
}

async function audit(a, port, prefix, phase, state) {
  const key = `${prefix}audit:orders`;
  const r = await a.connect(port);
  let total = ORDERS * PER_ORDER;
  let ids555;
  let latest;
  if (phase === 1) {
    await a.del(r, key);
    const ids = (await a.bulkXadd(r, key, [...Array(total).keys()].map(auditEntry), 0)).map(String);
    ids555 = ids.filter((_, i) => i % ORDERS === 5);
    latest = ids.slice(-LATEST).reverse();
  } else {
    const lines = fs.readFileSync(state, 'utf8').split('\n');
    ids555 = lines[0].split(' ');
    latest = lines[1].split(' ');
    total = Number(lines[2]);
    check(Number(await a.xlen(r, key)) === total, 'XLEN after the restart');
  }
  const entries = [];
  let start = '-';
  for (;;) {
    const page = await a.xrange(r, key, start, '+', 50);
    entries.push(...page);
    if (page.length < 50) break;
    start = `(${page[page.length - 1][0]}`;
  }
  check(entries.length === total, `XRANGE replay: ${entries.length} entries`);
  const hist = entries.filter(([, f]) => f.order_id === '555');
  check(JSON.stringify(hist.map(([id]) => id)) === JSON.stringify(ids555), 'order 555 replay IDs');
  let prev = 'new';
  hist.forEach(([, f], k) => {
    check(f.old === prev, `order 555 step ${k}: old ${f.old} after ${prev}`);
    check(sameObj(f, auditEntry(5 + k * ORDERS)), `order 555 step ${k}: ${JSON.stringify(f)}`);
    prev = f.new;
  });
  const rev = await a.xrevrange(r, key, '+', '-', LATEST);
  check(JSON.stringify(rev.map(([id]) => id)) === JSON.stringify(latest), 'XREVRANGE latest');
  if (phase === 1) {
    fs.writeFileSync(state, `${ids555.join(' ')}\n${latest.join(' ')}\n${total}\n`);
  } else {
    const id = String(await a.xadd(r, key, auditEntry(total)));
    check(idGreater(id, latest[0]), `an ID after the restart ${id} is not above ${latest[0]}`);
  }
  await a.close(r);
}

async function main() {
  const [mode, workflow, port, prefix, state] = process.argv.slice(2);
  const a = makeAdapter(mode);
  const p = Number(port);
  if (workflow === 'jobs') await jobs(a, p, prefix, mode === 'ioredis' || mode === 'redis5');
  else if (workflow === 'iot') await iot(a, p, prefix);
  else if (workflow === 'audit1') await audit(a, p, prefix, 1, state);
  else if (workflow === 'audit2') await audit(a, p, prefix, 2, state);
  else throw new Error(`unknown workflow ${workflow}`);
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Broken ? `broken invariant: ${e.message}` : `error: ${e && e.stack}`);
  process.exit(1);
});
