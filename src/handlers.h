/* handlers.h -- the command handlers named in commands.def, by family.
 * Each family's handlers live in the file named in its section. */
#ifndef RUNNEL_HANDLERS_H
#define RUNNEL_HANDLERS_H

struct conn;

/* cmd_connection.c */
void cmd_ping(struct conn *c);
void cmd_echo(struct conn *c);
void cmd_quit(struct conn *c);
void cmd_hello(struct conn *c);
void cmd_select(struct conn *c);
void cmd_auth(struct conn *c);
/* ACL (cmd_acl.c). */
void cmd_acl_cat(struct conn *c);
void cmd_acl_deluser(struct conn *c);
void cmd_acl_dryrun(struct conn *c);
void cmd_acl_genpass(struct conn *c);
void cmd_acl_getuser(struct conn *c);
void cmd_acl_help(struct conn *c);
void cmd_acl_list(struct conn *c);
void cmd_acl_load(struct conn *c);
void cmd_acl_log(struct conn *c);
void cmd_acl_save(struct conn *c);
void cmd_acl_setuser(struct conn *c);
void cmd_acl_users(struct conn *c);
void cmd_acl_whoami(struct conn *c);
void cmd_reset(struct conn *c);
void cmd_client_id(struct conn *c);
void cmd_client_help(struct conn *c);
void cmd_client_list(struct conn *c);
void cmd_client_setname(struct conn *c);
void cmd_client_getname(struct conn *c);
void cmd_client_kill(struct conn *c);
void cmd_client_info(struct conn *c);
void cmd_client_reply(struct conn *c);
void cmd_client_setinfo(struct conn *c);
void cmd_client_unblock(struct conn *c);
void cmd_client_pause(struct conn *c);   /* client_pause.c */
void cmd_client_unpause(struct conn *c);

/* cmd_server.c */
void cmd_dbsize(struct conn *c);
void cmd_time(struct conn *c);
void cmd_info(struct conn *c);
void cmd_config_help(struct conn *c);
void cmd_config_resetstat(struct conn *c);
void cmd_config_get(struct conn *c);
void cmd_config_rewrite(struct conn *c);
void cmd_config_set(struct conn *c);
void cmd_shutdown(struct conn *c);
void cmd_bgrewriteaof(struct conn *c);

/* cmd_persist.c */
void cmd_save(struct conn *c);
void cmd_bgsave(struct conn *c);
void cmd_lastsave(struct conn *c);
/* cmd_repl.c */
void cmd_replconf(struct conn *c);
void cmd_psync(struct conn *c);
void cmd_sync(struct conn *c);
void cmd_replicaof(struct conn *c);
void cmd_role(struct conn *c);
void cmd_wait(struct conn *c);
void cmd_dump(struct conn *c);
void cmd_restore(struct conn *c);
void cmd_debug(struct conn *c);

/* cmd_keyspace.c */
void cmd_del(struct conn *c);
void cmd_unlink(struct conn *c);
void cmd_exists(struct conn *c);
void cmd_type(struct conn *c);
void cmd_keys(struct conn *c);
void cmd_scan(struct conn *c);
void cmd_randomkey(struct conn *c);
void cmd_rename(struct conn *c);
void cmd_renamenx(struct conn *c);
void cmd_copy(struct conn *c);
void cmd_touch(struct conn *c);
void cmd_flushdb(struct conn *c);
void cmd_flushall(struct conn *c);
void cmd_swapdb(struct conn *c);
void cmd_expire(struct conn *c);
void cmd_pexpire(struct conn *c);
void cmd_expireat(struct conn *c);
void cmd_pexpireat(struct conn *c);
void cmd_ttl(struct conn *c);
void cmd_pttl(struct conn *c);
void cmd_expiretime(struct conn *c);
void cmd_pexpiretime(struct conn *c);
void cmd_persist(struct conn *c);
void cmd_object_help(struct conn *c);
void cmd_object_idletime(struct conn *c);
void cmd_object_freq(struct conn *c);
void cmd_object_refcount(struct conn *c);
void cmd_object_encoding(struct conn *c);
void cmd_memory_help(struct conn *c);
void cmd_memory_usage(struct conn *c);

/* cmd_stream.c */
void cmd_xadd(struct conn *c);
void cmd_xlen(struct conn *c);
void cmd_xrange(struct conn *c);
void cmd_xrevrange(struct conn *c);
void cmd_xdel(struct conn *c);
void cmd_xtrim(struct conn *c);
void cmd_xread(struct conn *c);
void cmd_xsetid(struct conn *c);
void cmd_xinfo_stream(struct conn *c);
void cmd_xinfo_help(struct conn *c);
void cmd_xcfgset(struct conn *c);
void cmd_xidmprecord(struct conn *c);

/* cmd_group.c */
void cmd_xgroup_create(struct conn *c);
void cmd_xgroup_setid(struct conn *c);
void cmd_xgroup_destroy(struct conn *c);
void cmd_xgroup_createconsumer(struct conn *c);
void cmd_xgroup_delconsumer(struct conn *c);
void cmd_xgroup_help(struct conn *c);
void cmd_xreadgroup(struct conn *c);
void cmd_xack(struct conn *c);
void cmd_xpending(struct conn *c);
void cmd_xinfo_groups(struct conn *c);
void cmd_xinfo_consumers(struct conn *c);

/* cmd_group_claim.c */
void cmd_xclaim(struct conn *c);
void cmd_xautoclaim(struct conn *c);
void cmd_xnack(struct conn *c);
void cmd_xackdel(struct conn *c);
void cmd_xdelex(struct conn *c);

/* cmd_string.c */
void cmd_get(struct conn *c);
void cmd_set(struct conn *c);
void cmd_setnx(struct conn *c);
void cmd_setex(struct conn *c);
void cmd_psetex(struct conn *c);
void cmd_getdel(struct conn *c);
void cmd_getex(struct conn *c);
void cmd_getset(struct conn *c);
void cmd_mget(struct conn *c);
void cmd_mset(struct conn *c);
void cmd_msetnx(struct conn *c);
void cmd_incr(struct conn *c);
void cmd_decr(struct conn *c);
void cmd_incrby(struct conn *c);
void cmd_decrby(struct conn *c);
void cmd_incrbyfloat(struct conn *c);
void cmd_append(struct conn *c);
void cmd_strlen(struct conn *c);
void cmd_getrange(struct conn *c);
void cmd_setrange(struct conn *c);

/* cmd_hash.c */
void cmd_hset(struct conn *c);
void cmd_hsetnx(struct conn *c);
void cmd_hget(struct conn *c);
void cmd_hmget(struct conn *c);
void cmd_hmset(struct conn *c);
void cmd_hgetall(struct conn *c);
void cmd_hdel(struct conn *c);
void cmd_hexists(struct conn *c);
void cmd_hlen(struct conn *c);
void cmd_hstrlen(struct conn *c);
void cmd_hincrby(struct conn *c);
void cmd_hincrbyfloat(struct conn *c);
void cmd_hkeys(struct conn *c);
void cmd_hvals(struct conn *c);
void cmd_hscan(struct conn *c);
void cmd_hrandfield(struct conn *c);

/* cmd_list.c */
void cmd_lpush(struct conn *c);
void cmd_rpush(struct conn *c);
void cmd_lpushx(struct conn *c);
void cmd_rpushx(struct conn *c);
void cmd_lpop(struct conn *c);
void cmd_rpop(struct conn *c);
void cmd_llen(struct conn *c);
void cmd_lrange(struct conn *c);
void cmd_lindex(struct conn *c);
void cmd_lset(struct conn *c);
void cmd_lrem(struct conn *c);
void cmd_ltrim(struct conn *c);
void cmd_lpos(struct conn *c);
void cmd_lmove(struct conn *c);
void cmd_lmpop(struct conn *c);
void cmd_blpop(struct conn *c);
void cmd_brpop(struct conn *c);
void cmd_blmove(struct conn *c);
void cmd_blmpop(struct conn *c);

/* cmd_set.c */
void cmd_sadd(struct conn *c);
void cmd_srem(struct conn *c);
void cmd_sismember(struct conn *c);
void cmd_smismember(struct conn *c);
void cmd_smembers(struct conn *c);
void cmd_scard(struct conn *c);
void cmd_spop(struct conn *c);
void cmd_srandmember(struct conn *c);
void cmd_sscan(struct conn *c);
void cmd_sinter(struct conn *c);
void cmd_sunion(struct conn *c);
void cmd_sdiff(struct conn *c);
void cmd_sinterstore(struct conn *c);
void cmd_sunionstore(struct conn *c);
void cmd_sdiffstore(struct conn *c);

/* cmd_pubsub.c */
void cmd_subscribe(struct conn *c);
void cmd_unsubscribe(struct conn *c);
void cmd_psubscribe(struct conn *c);
void cmd_punsubscribe(struct conn *c);
void cmd_ssubscribe(struct conn *c);
void cmd_sunsubscribe(struct conn *c);
void cmd_publish(struct conn *c);
void cmd_spublish(struct conn *c);
void cmd_pubsub_channels(struct conn *c);
void cmd_pubsub_numsub(struct conn *c);
void cmd_pubsub_numpat(struct conn *c);
void cmd_pubsub_shardchannels(struct conn *c);
void cmd_pubsub_shardnumsub(struct conn *c);
void cmd_pubsub_help(struct conn *c);

/* cmd_observe.c */
void cmd_memory_stats(struct conn *c);
void cmd_memory_doctor(struct conn *c);
void cmd_memory_malloc_stats(struct conn *c);
void cmd_memory_purge(struct conn *c);
void cmd_monitor(struct conn *c);
void cmd_client_no_evict(struct conn *c);
void cmd_slowlog_get(struct conn *c);
void cmd_slowlog_len(struct conn *c);
void cmd_slowlog_reset(struct conn *c);
void cmd_slowlog_help(struct conn *c);
void cmd_latency_latest(struct conn *c);
void cmd_latency_history(struct conn *c);
void cmd_latency_reset(struct conn *c);
void cmd_latency_graph(struct conn *c);
void cmd_latency_doctor(struct conn *c);
void cmd_latency_histogram(struct conn *c);
void cmd_latency_help(struct conn *c);

/* multi.c: cmd_multi, cmd_exec, cmd_discard, cmd_watch, cmd_unwatch (multi.h) */
/* cmd_command.c: the COMMAND family (cmd_command.h) */

#endif
