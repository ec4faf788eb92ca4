// redigo (Debian's golang-github-gomodule-redigo-dev, built in GOPATH mode)
// running the three stream workflows (see ../README.md).
//
//	workflows WORKFLOW PORT PREFIX [STATE_FILE]
//
// WORKFLOW: jobs, iot, audit1 (before a restart), audit2 (after it).
// Goroutines give the concurrency; Send/Flush/Receive pipelines the bulk
// writes, MULTI/EXEC wraps the acks.  Exit 0 when every invariant held;
// otherwise the broken one goes to stderr and the exit status is 1.
package main

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gomodule/redigo/redis"
)

const (
	nJobs     = 60
	nWriters  = 4
	perWriter = 1500
	ts0       = int64(1700000000000)
	orders    = 10
	perOrder  = 20
	latestN   = 10
)

type broken string

func check(cond bool, format string, args ...interface{}) {
	if !cond {
		panic(broken(fmt.Sprintf(format, args...)))
	}
}

func must(v interface{}, err error) interface{} {
	if err != nil {
		panic(broken(fmt.Sprintf("redis error: %v", err)))
	}
	return v
}

var port string

func dial() redis.Conn {
	c, err := redis.Dial("tcp", "127.0.0.1:"+port)
	check(err == nil, "connect: %v", err)
	return c
}

type entry struct {
	id     string
	fields map[string]string
}

// entries parses a list of [id, [field, value, ...]] (a nil element stays nil).
func entries(v interface{}) []entry {
	list, err := redis.Values(v, nil)
	check(err == nil, "entries: %v", err)
	out := make([]entry, 0, len(list))
	for _, e := range list {
		if e == nil {
			out = append(out, entry{})
			continue
		}
		pair, _ := redis.Values(e, nil)
		id, _ := redis.String(pair[0], nil)
		m, err := redis.StringMap(pair[1], nil)
		check(err == nil, "entry fields: %v", err)
		out = append(out, entry{id, m})
	}
	return out
}

// streamReply parses an XREAD/XREADGROUP reply for one key (nil: nothing).
func streamReply(v interface{}, key string) []entry {
	if v == nil {
		return nil
	}
	streams, _ := redis.Values(v, nil)
	check(len(streams) == 1, "reply for %d streams", len(streams))
	kv, _ := redis.Values(streams[0], nil)
	name, _ := redis.String(kv[0], nil)
	check(name == key, "reply for key %s", name)
	return entries(kv[1])
}

func blockedClients(c redis.Conn) int {
	info, _ := redis.String(must(c.Do("INFO", "clients")).([]byte), nil)
	m := regexp.MustCompile(`blocked_clients:(\d+)`).FindStringSubmatch(info)
	n, _ := strconv.Atoi(m[1])
	return n
}

func waitBlocked(c redis.Conn, n int) {
	deadline := time.Now().Add(10 * time.Second)
	for blockedClients(c) != n {
		check(time.Now().Before(deadline), "never saw %d blocked clients", n)
		time.Sleep(5 * time.Millisecond)
	}
}

func jobs(prefix string) {
	key, group, doneKey := prefix+"jobs:email", "workers", prefix+"jobs:done"
	r := dial()
	defer r.Close()
	must(r.Do("DEL", key, doneKey))
	must(r.Do("XGROUP", "CREATE", key, group, "$", "MKSTREAM"))
	var mu sync.Mutex
	acks := map[string]int{}
	doneProducing := make(chan struct{})
	errs := make(chan string, 4)

	ack := func(c redis.Conn, name string, ids []string) {
		c.Send("MULTI")
		for _, id := range ids {
			c.Send("XACK", key, group, id)
			c.Send("HINCRBY", doneKey, name, 1)
		}
		res, err := redis.Values(c.Do("EXEC"))
		check(err == nil, "EXEC: %v", err)
		mu.Lock()
		defer mu.Unlock()
		for i, id := range ids {
			n, _ := redis.Int(res[2*i], nil)
			check(n == 1, "XACK %s answered %v", id, res[2*i])
			acks[id]++
		}
	}
	guard := func(name string) {
		if e := recover(); e != nil {
			errs <- fmt.Sprintf("%s: %v", name, e)
		}
	}
	var dead []string
	deadDone := make(chan struct{})
	go func() {
		defer close(deadDone)
		defer guard("dying worker")
		c := dial()
		got := streamReply(must(c.Do("XREADGROUP", "GROUP", group, "dead", "COUNT", 5, "BLOCK", 10000,
			"STREAMS", key, ">")), key)
		for _, e := range got {
			dead = append(dead, e.id)
		}
		c.Close() // dies holding its jobs
	}()
	waitBlocked(r, 1)
	var wg sync.WaitGroup
	for _, name := range []string{"w1", "w2"} {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			defer guard(name)
			c := dial()
			defer c.Close()
			block := 10000
			for {
				got := streamReply(must(c.Do("XREADGROUP", "GROUP", group, name, "COUNT", 10,
					"BLOCK", block, "STREAMS", key, ">")), key)
				block = 300
				if got == nil {
					select {
					case <-doneProducing:
						return
					default:
						continue
					}
				}
				ids := make([]string, len(got))
				for i, e := range got {
					ids[i] = e.id
				}
				ack(c, name, ids)
			}
		}(name)
	}
	waitBlocked(r, 3)
	var produced []string
	for i := 0; i < nJobs; i++ {
		id, err := redis.String(r.Do("XADD", key, "*", "to", fmt.Sprintf("user%d@example.com", i),
			"template", "welcome", "context_id", 42+i))
		check(err == nil, "XADD: %v", err)
		produced = append(produced, id)
	}
	close(doneProducing)
	<-deadDone
	wg.Wait()
	close(errs)
	for e := range errs {
		check(false, "%s", e)
	}
	check(len(dead) >= 1 && dead[0] == produced[0], "the dying worker got %v", dead)
	pend, _ := redis.Values(must(r.Do("XPENDING", key, group)).([]interface{}), nil)
	n, _ := redis.Int(pend[0], nil)
	check(n == len(dead), "XPENDING before the claim: %d", n)
	cons, _ := redis.Values(pend[3], nil)
	check(len(cons) == 1, "XPENDING consumers: %v", cons)
	cv, _ := redis.Strings(cons[0], nil)
	check(cv[0] == "dead" && cv[1] == strconv.Itoa(len(dead)), "XPENDING consumer %v", cv)
	time.Sleep(50 * time.Millisecond)
	ac, _ := redis.Values(must(r.Do("XAUTOCLAIM", key, group, "w1", 20, "0-0", "COUNT", 100)).([]interface{}), nil)
	next, _ := redis.String(ac[0], nil)
	check(next == "0-0", "XAUTOCLAIM cursor %s", next)
	claimed := entries(ac[1])
	var ids []string
	for _, e := range claimed {
		check(e.fields["template"] == "welcome", "claimed job fields %v", e.fields)
		ids = append(ids, e.id)
	}
	check(strings.Join(ids, " ") == strings.Join(dead, " "), "XAUTOCLAIM took %v, expected %v", ids, dead)
	ack(r, "w1", ids)
	check(len(acks) == nJobs, "%d distinct jobs acked", len(acks))
	for _, id := range produced {
		check(acks[id] == 1, "job %s acked %d times", id, acks[id])
	}
	pend, _ = redis.Values(r.Do("XPENDING", key, group))
	n, _ = redis.Int(pend[0], nil)
	check(n == 0 && pend[3] == nil, "XPENDING at the end: %v", pend)
	done, _ := redis.IntMap(r.Do("HGETALL", doneKey))
	check(done["w1"]+done["w2"] == nJobs, "jobs:done %v", done)
}

func reading(w, i int) (int64, int) {
	return ts0 + int64(i)*1000, 200 + (w*7+i*13)%100
}

func iot(prefix string) {
	key := prefix + "sensors:temp"
	r := dial()
	defer r.Close()
	must(r.Do("DEL", key))
	var wg sync.WaitGroup
	errs := make(chan string, nWriters)
	for w := 0; w < nWriters; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			defer func() {
				if e := recover(); e != nil {
					errs <- fmt.Sprint(e)
				}
			}()
			c := dial()
			defer c.Close()
			for start := 0; start < perWriter; start += 100 {
				n := 0
				for i := start; i < start+100 && i < perWriter; i++ {
					ts, tenths := reading(w, i)
					c.Send("XADD", key, "MAXLEN", "~", 100000, "*", "device_id", fmt.Sprintf("sensor-%d", w),
						"val", fmt.Sprintf("%d.%d", tenths/10, tenths%10), "ts", ts)
					n++
				}
				check(c.Flush() == nil, "flush")
				for ; n > 0; n-- {
					_, err := c.Receive()
					check(err == nil, "XADD: %v", err)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		check(false, "writer: %s", e)
	}
	total := nWriters * perWriter
	xlen, _ := redis.Int(r.Do("XLEN", key))
	check(xlen == total, "XLEN %d", xlen)
	type acc struct{ sum, n int }
	sums := map[int64]*acc{}
	lastTs := map[string]int64{}
	last, n, batches := "0-0", 0, 0
	for {
		got := streamReply(must(r.Do("XREAD", "COUNT", 1000, "STREAMS", key, last)), key)
		if got == nil {
			break
		}
		batches++
		check(len(got) >= 1 && len(got) <= 1000, "batch of %d", len(got))
		for _, e := range got {
			ts, _ := strconv.ParseInt(e.fields["ts"], 10, 64)
			dev := e.fields["device_id"]
			if prev, ok := lastTs[dev]; ok {
				check(ts > prev, "device %s: ts %d out of order", dev, ts)
			}
			lastTs[dev] = ts
			v, _ := strconv.ParseFloat(e.fields["val"], 64)
			a := sums[ts/60000]
			if a == nil {
				a = &acc{}
				sums[ts/60000] = a
			}
			a.sum += int(math.Round(v * 10))
			a.n++
			n++
		}
		last = got[len(got)-1].id
	}
	check(n == total && batches == (total+999)/1000, "aggregator: %d entries in %d batches", n, batches)
	want := map[int64]*acc{}
	for w := 0; w < nWriters; w++ {
		for i := 0; i < perWriter; i++ {
			ts, tenths := reading(w, i)
			a := want[ts/60000]
			if a == nil {
				a = &acc{}
				want[ts/60000] = a
			}
			a.sum += tenths
			a.n++
		}
	}
	check(len(want) == len(sums), "aggregator minutes")
	for m, a := range want {
		g := sums[m]
		check(g != nil && g.n == a.n && math.Abs(float64(g.sum)/float64(g.n)-float64(a.sum)/float64(a.n)) < 1e-9,
			"minute %d: %v expected %v", m, g, a)
	}
	trimmed, _ := redis.Int(r.Do("XTRIM", key, "MAXLEN", "~", 1000))
	left, _ := redis.Int(r.Do("XLEN", key))
	check(left >= 1000 && left < total && left+trimmed == total, "XTRIM ~ 1000: removed %d, XLEN %d", trimmed, left)
}

func stateName(k int) string {
	if k < 2 {
		return []string{"new", "paid"}[k]
	}
	return fmt.Sprintf("step%d", k)
}

func auditEntry(i int) map[string]string {
	user := fmt.Sprintf("clerk_%d", i%7)
	if i%3 == 0 {
		user = "manager_alex"
	}
	return map[string]string{"action": "status_change", "order_id": strconv.Itoa(550 + i%orders),
		"old": stateName(i / orders), "new": stateName(i/orders + 1), "user": user}
}

func auditArgs(key string, i int) []interface{} {
	e := auditEntry(i)
	return []interface{}{key, "*", "action", e["action"], "order_id", e["order_id"], "old", e["old"],
		"new", e["new"], "user", e["user"]}
}

func idAbove(a, b string) bool {
	pa, pb := strings.SplitN(a, "-", 2), strings.SplitN(b, "-", 2)
	am, _ := strconv.ParseUint(pa[0], 10, 64)
	bm, _ := strconv.ParseUint(pb[0], 10, 64)
	as, _ := strconv.ParseUint(pa[1], 10, 64)
	bs, _ := strconv.ParseUint(pb[1], 10, 64)
	return am > bm || (am == bm && as > bs)
}

func audit(prefix string, phase int, state string) {
	key := prefix + "audit:orders"
	r := dial()
	defer r.Close()
	total := orders * perOrder
	var ids555, latest []string
	if phase == 1 {
		must(r.Do("DEL", key))
		for i := 0; i < total; i++ {
			r.Send("XADD", auditArgs(key, i)...)
		}
		check(r.Flush() == nil, "flush")
		var ids []string
		for i := 0; i < total; i++ {
			id, err := redis.String(r.Receive())
			check(err == nil, "XADD: %v", err)
			ids = append(ids, id)
		}
		for i := 5; i < total; i += orders {
			ids555 = append(ids555, ids[i])
		}
		for i := total - 1; i >= total-latestN; i-- {
			latest = append(latest, ids[i])
		}
	} else {
		b, err := os.ReadFile(state)
		check(err == nil, "state file: %v", err)
		lines := strings.Split(string(b), "\n")
		ids555, latest = strings.Fields(lines[0]), strings.Fields(lines[1])
		total, _ = strconv.Atoi(lines[2])
		n, _ := redis.Int(r.Do("XLEN", key))
		check(n == total, "after the restart: XLEN %d, expected %d", n, total)
	}
	var all []entry
	start := "-"
	for {
		page := entries(must(r.Do("XRANGE", key, start, "+", "COUNT", 50)))
		all = append(all, page...)
		if len(page) < 50 {
			break
		}
		start = "(" + page[len(page)-1].id
	}
	check(len(all) == total, "XRANGE replay: %d entries", len(all))
	var hist []entry
	for _, e := range all {
		if e.fields["order_id"] == "555" {
			hist = append(hist, e)
		}
	}
	check(len(hist) == len(ids555), "order 555: %d entries", len(hist))
	prev := "new"
	for k, e := range hist {
		check(e.id == ids555[k], "order 555 step %d: ID %s, expected %s", k, e.id, ids555[k])
		check(e.fields["old"] == prev, "order 555 step %d: old %s after %s", k, e.fields["old"], prev)
		want := auditEntry(5 + k*orders)
		check(len(e.fields) == len(want), "order 555 step %d: fields %v", k, e.fields)
		for f, v := range want {
			check(e.fields[f] == v, "order 555 step %d: %s=%s", k, f, e.fields[f])
		}
		prev = e.fields["new"]
	}
	rev := entries(must(r.Do("XREVRANGE", key, "+", "-", "COUNT", latestN)))
	var revIDs []string
	for _, e := range rev {
		revIDs = append(revIDs, e.id)
	}
	check(strings.Join(revIDs, " ") == strings.Join(latest, " "), "XREVRANGE latest %v", revIDs)
	if phase == 1 {
		out := fmt.Sprintf("%s\n%s\n%d\n", strings.Join(ids555, " "), strings.Join(latest, " "), total)
		check(os.WriteFile(state, []byte(out), 0o644) == nil, "write state")
	} else {
		id, err := redis.String(r.Do("XADD", auditArgs(key, total)...))
		check(err == nil && idAbove(id, latest[0]), "an ID after the restart %s is not above %s (%v)", id, latest[0], err)
	}
}

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: workflows WORKFLOW PORT PREFIX [STATE_FILE]")
		os.Exit(2)
	}
	workflow, prefix := os.Args[1], os.Args[3]
	port = os.Args[2]
	state := ""
	if len(os.Args) > 4 {
		state = os.Args[4]
	}
	defer func() {
		if e := recover(); e != nil {
			fmt.Fprintf(os.Stderr, "broken invariant: %v\n", e)
			os.Exit(1)
		}
	}()
	switch workflow {
	case "jobs":
		jobs(prefix)
	case "iot":
		iot(prefix)
	case "audit1":
		audit(prefix, 1, state)
	case "audit2":
		audit(prefix, 2, state)
	default:
		check(false, "unknown workflow %s", workflow)
	}
}
