/* maxmemory.c -- used memory, the maxmemory limit and INFO memory; see
 * maxmemory.h for why used_memory is an allocator snapshot moved by our own
 * counter. */
#include "maxmemory.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aof.h"
#include "command.h"
#include "conn.h"
#include "handlers.h"
#include "log.h"
#include "mem.h"
#include "reply.h"
#include "server.h"

#define MAXMEMORY_REFRESH_MS 100

void maxmemory_refresh(struct server *srv, int force)
{
    long long now = server_mstime(srv);
    if (!force && srv->mem_alloc_snap && now - srv->mem_snap_ms < MAXMEMORY_REFRESH_MS)
        return;
    struct mem_allocator_stats st;
    if (mem_allocator_stats(&st) < 0) {
        srv->mem_alloc_snap = 0;
        return;
    }
    srv->mem_alloc_snap = st.allocated;
    srv->mem_count_snap = mem_used();
    srv->mem_snap_ms = now;
}

size_t maxmemory_used(struct server *srv)
{
    size_t used = mem_used();
    if (srv->mem_alloc_snap) {
        long long v = (long long)srv->mem_alloc_snap + (long long)used -
                      (long long)srv->mem_count_snap;
        used = v > 0 ? (size_t)v : 0;
    }
    if (used > srv->mem_peak)
        srv->mem_peak = used;
    return used;
}

/* Memory that does not count against maxmemory: the AOF buffer, which
 * Redis leaves out too (freeMemoryGetNotCountedMemory), so that a slow
 * disk cannot make the server refuse writes by itself. */
static size_t maxmemory_not_counted(const struct server *srv)
{
    return srv->aof ? mem_block_size(srv->aof->buf.buf) : 0;
}

void maxmemory_startup(struct server *srv)
{
    maxmemory_refresh(srv, 1);
    srv->mem_startup = maxmemory_used(srv);
    long long max = srv->cfg.maxmemory;
    if (max > 0 && max < 1024 * 1024)
        log_warning("WARNING: You specified a maxmemory value that is less than 1MB (current "
                    "value is %lld bytes). Are you sure this is what you really want?",
                    max);
}

void maxmemory_config_changed(struct server *srv)
{
    maxmemory_refresh(srv, 1);
    size_t used = maxmemory_used(srv) - maxmemory_not_counted(srv);
    long long max = srv->cfg.maxmemory;
    if (max > 0 && (unsigned long long)max < used)
        log_warning("WARNING: the new maxmemory value set via CONFIG SET (%lld) is smaller than "
                    "the current memory usage (%zu). Runnel does not evict keys: write commands "
                    "that add data are refused until memory is freed or the limit raised.",
                    max, used);
}

static int maxmemory_over(struct server *srv)
{
    size_t used = maxmemory_used(srv);
    size_t skip = maxmemory_not_counted(srv);
    used = used > skip ? used - skip : 0;
    return used > (unsigned long long)srv->cfg.maxmemory;
}

int maxmemory_refuses(struct conn *c, const struct command *cmd)
{
    struct server *srv = c->srv;
    /* Loading (the AOF's fake client) never fails for memory: Redis loads
     * its data whatever the limit and refuses writes afterwards. */
    if (srv->cfg.maxmemory <= 0 || (c->flags & CONN_FAKE) || srv->loading)
        return 0;
    int refuse = (cmd->flags & CMD_DENYOOM) != 0;
    if (cmd->handler == cmd_exec) {
        for (int i = 0; i < c->multi.count && !refuse; i++)
            refuse = (c->multi.cmds[i].cmd->flags & CMD_DENYOOM) != 0;
    } else if ((c->flags & CONN_MULTI) && cmd->handler != cmd_discard &&
               cmd->handler != cmd_quit && cmd->handler != cmd_reset) {
        /* Queueing takes memory without bound: Redis 7.0 refuses every
         * queued command over the limit, reads and deletes too. */
        refuse = 1;
    }
    return refuse && maxmemory_over(srv);
}

/* --- INFO memory ----------------------------------------------------------- */

/* Redis's bytesToHuman: B below 1K, then two decimals up to P. */
static void human(char *buf, size_t cap, unsigned long long n)
{
    static const char units[] = "KMGTP";
    double d = (double)n;
    if (n < 1024) {
        snprintf(buf, cap, "%lluB", n);
        return;
    }
    for (int i = 0; units[i]; i++) {
        d /= 1024;
        if (d < 1024 || !units[i + 1]) {
            snprintf(buf, cap, "%.2f%c", d, units[i]);
            return;
        }
    }
}

static size_t rss_bytes(void)
{
    long pages = 0, size;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &pages) != 2)
            pages = 0;
        fclose(f);
    }
    return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

void maxmemory_info(struct server *srv, struct reply_buf *b)
{
    char h[32];
    struct mem_allocator_stats st;
    if (mem_allocator_stats(&st) == 0) {
        srv->mem_alloc_snap = st.allocated;
        srv->mem_count_snap = mem_used();
        srv->mem_snap_ms = server_mstime(srv);
    }
    size_t used = maxmemory_used(srv);
    size_t rss = rss_bytes();
    unsigned long long total =
        (unsigned long long)sysconf(_SC_PHYS_PAGES) * (unsigned long long)sysconf(_SC_PAGESIZE);

    size_t clients = 0;
    for (struct conn *c = srv->clients; c; c = c->next)
        clients += sizeof(*c) + mem_block_size(c->qbuf) + mem_block_size(c->out.buf);
    size_t aof_buf = maxmemory_not_counted(srv);
    size_t keyspace = 0;
    for (int i = 0; i < srv->ndbs; i++) {
        const struct db *db = &srv->dbs[i];
        keyspace += (size_t)(db->keys.size + db->expires.size) * sizeof(void *) +
                    (size_t)db->keys.used * sizeof(struct dict_entry) +
                    (size_t)db->expires.used * sizeof(struct dict_entry);
    }
    size_t overhead = srv->mem_startup + clients + aof_buf + keyspace;
    size_t dataset = used > overhead ? used - overhead : 0;
    size_t net = used > srv->mem_startup ? used - srv->mem_startup : 1;

    reply_info_line(b, "# Memory");
    human(h, sizeof(h), used);
    reply_info_line(b, "used_memory:%zu", used);
    reply_info_line(b, "used_memory_human:%s", h);
    human(h, sizeof(h), rss);
    reply_info_line(b, "used_memory_rss:%zu", rss);
    reply_info_line(b, "used_memory_rss_human:%s", h);
    human(h, sizeof(h), srv->mem_peak);
    reply_info_line(b, "used_memory_peak:%zu", srv->mem_peak);
    reply_info_line(b, "used_memory_peak_human:%s", h);
    reply_info_line(b, "used_memory_peak_perc:%.2f%%", ratio(used, srv->mem_peak) * 100);
    reply_info_line(b, "used_memory_overhead:%zu", overhead);
    reply_info_line(b, "used_memory_startup:%zu", srv->mem_startup);
    reply_info_line(b, "used_memory_dataset:%zu", dataset);
    reply_info_line(b, "used_memory_dataset_perc:%.2f%%", ratio(dataset, net) * 100);
    reply_info_line(b, "allocator_allocated:%zu", st.allocated);
    reply_info_line(b, "allocator_active:%zu", st.active);
    reply_info_line(b, "allocator_resident:%zu", st.resident);
    human(h, sizeof(h), total);
    reply_info_line(b, "total_system_memory:%llu", total);
    reply_info_line(b, "total_system_memory_human:%s", h);
    /* No scripting engine: Redis 7.0's script fields, all empty. */
    reply_info_line(b, "used_memory_lua:0");
    reply_info_line(b, "used_memory_vm_eval:0");
    reply_info_line(b, "used_memory_lua_human:0B");
    reply_info_line(b, "used_memory_scripts_eval:0");
    reply_info_line(b, "number_of_cached_scripts:0");
    reply_info_line(b, "number_of_functions:0");
    reply_info_line(b, "number_of_libraries:0");
    reply_info_line(b, "used_memory_vm_functions:0");
    reply_info_line(b, "used_memory_vm_total:0");
    reply_info_line(b, "used_memory_vm_total_human:0B");
    reply_info_line(b, "used_memory_functions:0");
    reply_info_line(b, "used_memory_scripts:0");
    reply_info_line(b, "used_memory_scripts_human:0B");
    human(h, sizeof(h), (unsigned long long)srv->cfg.maxmemory);
    reply_info_line(b, "maxmemory:%lld", srv->cfg.maxmemory);
    reply_info_line(b, "maxmemory_human:%s", h);
    reply_info_line(b, "maxmemory_policy:%s", config_maxmemory_policy_names[srv->cfg.maxmemory_policy]);
    reply_info_line(b, "allocator_frag_ratio:%.2f", ratio(st.active, st.allocated));
    reply_info_line(b, "allocator_frag_bytes:%lld", (long long)st.active - (long long)st.allocated);
    reply_info_line(b, "allocator_rss_ratio:%.2f", ratio(st.resident, st.active));
    reply_info_line(b, "allocator_rss_bytes:%lld", (long long)st.resident - (long long)st.active);
    reply_info_line(b, "rss_overhead_ratio:%.2f", ratio(rss, st.resident));
    reply_info_line(b, "rss_overhead_bytes:%lld",
              st.resident ? (long long)rss - (long long)st.resident : 0);
    reply_info_line(b, "mem_fragmentation_ratio:%.2f", ratio(rss, used));
    reply_info_line(b, "mem_fragmentation_bytes:%lld", (long long)rss - (long long)used);
    reply_info_line(b, "mem_not_counted_for_evict:%zu", aof_buf);
    reply_info_line(b, "mem_replication_backlog:0");
    reply_info_line(b, "mem_total_replication_buffers:0");
    reply_info_line(b, "mem_clients_slaves:0");
    reply_info_line(b, "mem_clients_normal:%zu", clients);
    reply_info_line(b, "mem_cluster_links:0");
    reply_info_line(b, "mem_aof_buffer:%zu", aof_buf);
    reply_info_line(b, "mem_allocator:%s", mem_allocator_name());
    reply_info_line(b, "active_defrag_running:0");
    reply_info_line(b, "lazyfree_pending_objects:0");
    reply_info_line(b, "lazyfreed_objects:0");
}
