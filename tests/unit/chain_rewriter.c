/*
 * chain_rewriter: what anyone who can write the database can do to an
 * unkeyed hash chain: change an event and recompute every hash from there
 * on, so that the chain verifies again. The tests use it to show that a
 * head kept elsewhere (audit verify --head) is what catches that.
 *
 *   chain_rewriter DB EVENT NOTE
 *
 * Sets the note of step event EVENT (and the words of its detail, and its
 * step's row when that event is the step's last) to NOTE, then rewrites
 * the prev_hash and hash of EVENT and every event after it. The hashing is
 * written here from the format's description, not taken from fedwiz:
 * each field length-prefixed ("LEN:VALUE;"), in the order prev_hash, id,
 * session, "at|step", operator, kind, proc, host, detail, from, to, note,
 * extra, then "fedwiz-event-v1", or via and "fedwiz-event-v2" when via is
 * set. Links SQLite and libcrypto only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sqlite3.h>

static void
die(const char *what, sqlite3 *db)
{
	fprintf(stderr, "chain_rewriter: %s: %s\n", what,
	    db != NULL ? sqlite3_errmsg(db) : "");
	exit(2);
}

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return t != NULL ? (const char *)t : "";
}

static void
field(EVP_MD_CTX *c, const char *v)
{
	char	len[32];

	snprintf(len, sizeof(len), "%zu:", strlen(v));
	EVP_DigestUpdate(c, len, strlen(len));
	EVP_DigestUpdate(c, v, strlen(v));
	EVP_DigestUpdate(c, ";", 1);
}

int
main(int argc, char **argv)
{
	sqlite3		*db;
	sqlite3_stmt	*s, *u;
	EVP_MD_CTX	*c;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	char		 prev[65], hash[65], num[64], *detail;
	const char	*to, *from, *note;
	long long	 ev;
	int		 i, rc;

	if (argc != 4) {
		fprintf(stderr, "usage: chain_rewriter DB EVENT NOTE\n");
		return 2;
	}
	ev = atoll(argv[2]);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die("open", db);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE; DROP TRIGGER IF EXISTS "
	    "events_no_update", NULL, NULL, NULL) != SQLITE_OK)
		die("begin", db);

	/* The event's new words, and its step's row if it is the last. */
	if (sqlite3_prepare_v2(db, "SELECT from_status, to_status FROM events "
	    "WHERE id = ? AND kind = 'step'", -1, &s, NULL) != SQLITE_OK)
		die("prepare", db);
	sqlite3_bind_int64(s, 1, ev);
	if (sqlite3_step(s) != SQLITE_ROW)
		die("no such step event", NULL);
	from = col(s, 0);
	to = col(s, 1);
	note = argv[3];
	if ((detail = sqlite3_mprintf("%s -> %s: %s", from, to, note)) == NULL)
		die("out of memory", NULL);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "UPDATE events SET note = ?, detail = ? "
	    "WHERE id = ?", -1, &u, NULL) != SQLITE_OK)
		die("prepare", db);
	sqlite3_bind_text(u, 1, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(u, 2, detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(u, 3, ev);
	if (sqlite3_step(u) != SQLITE_DONE)
		die("update", db);
	sqlite3_finalize(u);
	sqlite3_free(detail);
	if (sqlite3_prepare_v2(db, "UPDATE steps SET note = ?1 WHERE "
	    "(session_id, proc, host, step) = (SELECT session_id, proc, host, "
	    "step FROM events WHERE id = ?2) AND ?2 = (SELECT max(e.id) FROM "
	    "events e, events x WHERE x.id = ?2 AND e.kind = 'step' AND "
	    "e.session_id = x.session_id AND e.proc = x.proc AND e.host = "
	    "x.host AND e.step = x.step)", -1, &u, NULL) != SQLITE_OK)
		die("prepare", db);
	sqlite3_bind_text(u, 1, note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(u, 2, ev);
	if (sqlite3_step(u) != SQLITE_DONE)
		die("update steps", db);
	sqlite3_finalize(u);

	/* Every hash from there on. */
	if (sqlite3_prepare_v2(db, "SELECT hash FROM events WHERE id = ? - 1",
	    -1, &s, NULL) != SQLITE_OK)
		die("prepare", db);
	sqlite3_bind_int64(s, 1, ev);
	snprintf(prev, sizeof(prev), "%064d", 0);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(prev, sizeof(prev), "%s", col(s, 0));
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "SELECT id, session_id, at, step, operator, "
	    "kind, proc, host, detail, from_status, to_status, note, extra, via "
	    "FROM events WHERE id >= ? ORDER BY id", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE events SET prev_hash = ?, hash = ? "
	    "WHERE id = ?", -1, &u, NULL) != SQLITE_OK)
		die("prepare", db);
	sqlite3_bind_int64(s, 1, ev);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((c = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
			die("sha256", NULL);
		field(c, prev);
		field(c, col(s, 0));
		field(c, col(s, 1));
		snprintf(num, sizeof(num), "%s|%s", col(s, 2), col(s, 3));
		field(c, num);
		for (i = 4; i <= 12; i++)
			field(c, col(s, i));
		if (*col(s, 13) != '\0') {
			field(c, col(s, 13));
			field(c, "fedwiz-event-v2");
		} else
			field(c, "fedwiz-event-v1");
		if (EVP_DigestFinal_ex(c, md, &mdlen) != 1 || mdlen != 32)
			die("sha256", NULL);
		EVP_MD_CTX_free(c);
		for (i = 0; i < 32; i++)
			snprintf(hash + 2 * i, 3, "%02x", md[i]);
		sqlite3_bind_text(u, 1, prev, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(u, 2, hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(u, 3, sqlite3_column_int64(s, 0));
		if (sqlite3_step(u) != SQLITE_DONE)
			die("rewrite", db);
		sqlite3_reset(u);
		snprintf(prev, sizeof(prev), "%s", hash);
	}
	if (rc != SQLITE_DONE)
		die("read", db);
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	if (sqlite3_exec(db, "CREATE TRIGGER events_no_update BEFORE UPDATE ON "
	    "events BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); "
	    "END; COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("commit", db);
	sqlite3_close(db);
	return 0;
}
