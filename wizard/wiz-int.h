/*
 * wiz-int.h: what wiz.c (the session, its model and transitions) shares
 * with wiz-check.c (check runs, the SSH engine and its questions).
 */
#ifndef FEDWIZ_WIZ_INT_H
#define FEDWIZ_WIZ_INT_H

#include "session.h"
#include "store.h"
#include "wiz.h"

struct wiz_checks;

struct wiz {
	const struct cli	*cli;
	struct store		*st;
	const char		*rbdir;
	const char		*me;		/* who this console records as */
	struct evloop		*ev;
	/* The open session, read again after each change. */
	struct session		*ses;
	struct session		*run_ses;	/* the one the last run's
						   outcomes point into (owned
						   here when it is not ses) */
	unsigned		 gen;
	/* Presence: this console's registration on the open session, its
	 * last heartbeat, the session's last event as read, and who else is
	 * on it (read once a second when something changed). */
	int64_t			 console;	/* 0: none */
	time_t			 beat;
	int64_t			 last_event;
	struct store_console	*others;
	size_t			 nothers;
	struct wiz_console	*cons;		/* this one first, then others */
	size_t			 ncons;
	struct wiz_info		 info;
	struct wiz_pos		 pos;
	struct wiz_drift	 drift;
	struct store_check	*rows;		/* its evidence, as stored */
	size_t			 nrows;
	struct wiz_evidence	*evid;		/* the same, for screens */
	char			 self_host[256];
	/* Events for the loop, oldest first. */
	struct wiz_event	*evq;
	size_t			 nevq;
	size_t			 capevq;
	struct wiz_checks	*chk;
};

/* Queue an event (text printf-like; NULL: none). */
void	wiz_emit(struct wiz *, enum wiz_event_kind, int, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
/* Read the open session again (after a transition, a run, another
 * console's change). 0, or -1 with the reason in diags. */
int	wiz_reload(struct wiz *, struct diags *);
/* A new run is about to start on the open session: the session the last
 * one pointed into can go. */
void	wiz_run_session(struct wiz *);

/* wiz-check.c */
void	wiz_checks_free(struct wiz *);
void	wiz_checks_tick(struct wiz *);

/* Set a result: rc, and its message printf-like. */
void	wiz_say(struct wiz_result *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
