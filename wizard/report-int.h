/*
 * report-int.h: what the report's renderers share, and nothing else
 * should: the change record as report.c gathers it from the store (every
 * string already stripped of control characters), which steps each list
 * of the record holds, a few phrasings the three formats say alike, and
 * the emitters md and html are made of. Other subsystems use report.h.
 */
#ifndef FEDWIZ_REPORT_INT_H
#define FEDWIZ_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cond.h"
#include "plan.h"
#include "util.h"

/* What a step is in the record. n/a is not a store state: the plan says
 * the step's (or its procedure's) `when` is false for these answers. */
enum r_status {
	RS_PENDING,
	RS_DONE,
	RS_SKIPPED,
	RS_FAILED,
	RS_NA
};


struct r_check {
	int64_t		 id;
	size_t		 step;
	char		*kind;
	char		*target;
	char		*result;
	char		*message;
	char		*excerpt;
	char		*sha256;
	size_t		 output_len;
	time_t		 at;
	int64_t		 duration_ms;
	char		*origin;	/* collected, pasted, imported */
	char		*origin_detail;	/* who pasted it, through where */
	char		*stale;		/* why an edit made it stale; NULL */
};

/* One check run that came back through Ansible (fedwiz import). */
struct r_import {
	char		*site;
	char		*jump;
	int64_t		 export_id;
	char		*run_id;
	char		*results_sha256;
	time_t		 checked;	/* on the jump host */
	time_t		 at;		/* imported */
	char		*operator;
	size_t		 npass, nfail, nerror;
};

/* One recorded transition of a step, from the event log. */
struct r_hist {
	int64_t		 event;
	time_t		 at;
	char		*operator;
	char		*detail;	/* the event in words */
	const char	*from;		/* the store's own fields */
	const char	*to;
	char		*note;		/* "" when none */
	char		*extra;		/* "forced while blocked by ...", "" */
};

struct r_step {
	size_t		 n;
	char		*text;		/* the instruction, values filled in */
	char		*line;		/* its first line */
	char		*command;	/* values filled in; NULL: none */
	char		*command_line;	/* its first line */
	size_t		 command_more;	/* lines after the first */
	enum r_status	 status;
	char		*when;		/* the condition that makes it n/a */
	char		*by;		/* the last transition's */
	int		 by_checks;	/* done: its checks completed it (all
					   passed), not the operator */
	time_t		 at;
	char		*note;
	/* Every transition; md and html show them only when the current
	 * state alone would not tell the story (reopened, forced). */
	struct r_hist	*hist;
	size_t		 nhist;
	int		 show_hist;
	int		 unbacked;	/* its row is not what the log says */
	const struct r_hist *failure;	/* the last time it failed */
	const struct r_hist *forced;	/* recorded while blocked */
	/* A record for a step that does not apply (now): what it says. */
	char		*stale;
};

struct r_inst {
	size_t		 n;		/* position in the plan, 1-based */
	char		*name;		/* proc@host */
	char		*id;
	char		*title;
	char		*host;		/* NULL: done once */
	char		*role;
	const char	*status;	/* the plan's, or "n/a" */
	enum inst_status pstatus;
	enum tristate	 applies;
	char		*when;
	char		**blocked_by;
	size_t		 nblocked;
	char		**needs;
	size_t		 nneeds;
	size_t		 count[RS_NA + 1];
	int		 touched;	/* any record, check or event */
	time_t		 first;		/* its first and last event */
	time_t		 last;
	struct r_step	*steps;
	size_t		 nsteps;
	struct r_check	*checks;
	size_t		 nchecks;
};

/* A host's own value of a variable answered per host of its role. */
struct r_host_value {
	char		*host;
	char		*value;		/* NULL: no value */
	const char	*source;	/* answer, default, none, withheld */
};

struct r_answer {
	char		*name;
	char		*value;		/* NULL: no value */
	const char	*source;	/* answer, default, none, withheld,
					   per host */
	char		*prompt;
	/* per_host: each host of its role, in inventory order. */
	char		*role;		/* NULL: one value for the deployment */
	struct r_host_value *hv;
	size_t		 nhv;
};

struct r_host {
	char		*role;
	char		*name;		/* NULL: the role lists none */
	char		*address;
	char		*user;
	char		*profile;
	char		*site;		/* reached through it; NULL: directly */
};

struct r_event {
	int64_t		 id;
	time_t		 at;
	char		*operator;
	char		*kind;
	char		*what;		/* proc@host step n, or "" */
	char		*proc;		/* NULL: the session's own */
	char		*host;
	size_t		 step;
	char		*detail;
	char		*hash;
	const char	*chain;		/* verified, BROKEN, not verified */
};

/* A step record or check run that today's plan has no place for. */
struct r_orphan {
	char		*what;
	char		*text;
};

struct r_outcome {
	size_t		 steps;		/* that apply */
	size_t		 count[RS_NA + 1];
	size_t		 procs;		/* instances that apply */
	size_t		 procs_finished;
	size_t		 procs_failed;
	size_t		 procs_na;
	char		*verdict;
};

struct r_audit {
	int		 ok;
	size_t		 count;		/* events that verify, from the first */
	int64_t		 bad;		/* the first that does not; 0: none */
	char		*message;
	char		*last_hash;	/* of the last event that verifies */
	int64_t		 last_id;
	size_t		 unbacked;	/* step rows the log does not back */
	char		*head;		/* "N:HASH" when ok, for the ticket */
	char		*problem;	/* one line, NULL when ok */
};

struct report {
	struct arena		*a;
	int64_t			 id;
	char			*runbook_id;
	char			*title;
	char			*sha256;	/* what the session runs on */
	char			*sha256_now;	/* the file now, when it differs */
	char			*source;	/* the document's file name */
	char			*source_title;	/* and what a reader calls it */
	/* A practice session's record: never a change record. */
	int			 practice;
	char			*lab;		/* the lab's folder, or NULL */
	char			*operator;
	char			*machine;
	time_t			 started;
	time_t			 last_change;
	time_t			 window_end;	/* 0: none */
	time_t			 closed;	/* 0: open */
	time_t			 generated;
	char			*time_used;	/* against the window */
	char			**operators;
	size_t			 noperators;
	char			*drift;
	char			**warnings;
	size_t			 nwarnings;
	struct r_outcome	 out;
	struct r_audit		 audit;
	struct r_answer		*answers;
	size_t			 nanswers;
	struct r_host		*hosts;
	size_t			 nhosts;
	struct r_inst		*insts;
	size_t			 ninsts;
	struct r_orphan		*orphans;
	size_t			 norphans;
	struct r_event		*events;
	size_t			 nevents;
	struct r_import		*imports;
	size_t			 nimports;
};

/* By enum r_status: the word, and the html class. */
extern const char *const report_status_names[];
extern const char *const report_status_class[];

/* The lists of steps the record picks out; every format lists the same. */
enum r_list {
	RL_FAILED,	/* failed now */
	RL_SKIPPED,
	RL_REDONE,	/* failed once, and done or skipped since */
	RL_FORCED,	/* recorded while its procedure was blocked */
	RL_UNBACKED	/* its row is not what the event log says */
};

/* Where report_walk is; start from { 0, 0 }. */
struct r_walk {
	size_t		 inst;
	size_t		 step;
};

/* The next step, in plan order, that the list holds (and *ri, its
 * procedure); NULL after the last. */
const struct r_step *report_walk(const struct report *, enum r_list,
		     struct r_walk *, const struct r_inst **);

/* "2026-11-21T22:00:00Z": UTC, so a record reads alike everywhere. */
const char	*report_iso(time_t, char *, size_t);
/* "45s", "12m", "2h", "1h 12m", "3d 4h" */
const char	*report_span(long long, char *, size_t);
const char	*report_plural(size_t, const char *, const char *);
/* "412 ms", "3.2 s" */
const char	*report_millis(int64_t, char *, size_t);
/* "fedwiz 0.1.0" */
const char	*report_generator(void);
/* What the record is, as its title begins: "Change record: ", or
 * "Practice record (not a change record): ". */
const char	*report_kind(const struct report *);

/* How much of a check's excerpt md and html show: the byte length, and
 * how many of how many lines that is. */
size_t		 report_excerpt_cut(const char *, size_t *, size_t *);
/* " (the first 12 of the 15 lines kept; ...)", or nothing. */
void		 report_excerpt_note(const struct r_check *, size_t, size_t,
		     size_t, struct buf *);
/* "4 of 6 steps done, 1 skipped; 1 more does not apply" */
void		 report_counts(const struct r_inst *, struct buf *);
/* " Worked on from A to B (35m)." */
void		 report_worked(const struct r_inst *, struct buf *);
/* From a step event: why it failed; why it was blocked. */
const char	*report_failure_reason(const struct r_hist *);
const char	*report_forced_reason(const struct r_hist *);

/*
 * md and html say the same things in the same order; report-table.c
 * writes that once, and a format is the table of emitters below (one in
 * report-md.c, one in report-html.c). Literal text (headings, phrasings)
 * goes out as it is; everything from the record goes through .text,
 * .code or .muted, which escape it the format's way.
 */

/* How a column's cells read: md aligns numbers right; html keeps
 * numbers and times from wrapping, lets prose break a long token (a hash,
 * a path) anywhere, and keeps each word of a word column whole. */
enum r_align {
	RA_TEXT,	/* prose: notes, messages, instructions */
	RA_NUM,
	RA_TIME,
	RA_WORD,	/* names: an operator, a host, an address */
	RA_KEY		/* one of fedwiz's own words (a kind, a status,
			   a role): never broken, not even at a hyphen */
};

struct r_col {
	const char	*name;
	enum r_align	 align;
};

struct r_table {
	const char		*cls;	/* html class; NULL: none */
	const struct r_col	*cols;
	size_t			 ncols;
	int			 oneline; /* html: its one row on one line */
};

/* Where the writing is. */
struct r_out {
	FILE			*fp;
	const struct r_fmt	*fmt;
	const struct r_table	*table;	/* the one open; NULL: none */
	size_t			 col;	/* cells begun in this row */
	/* A line end the last block still owes: md separates blocks by a
	 * blank line (none after the last), html ends a box's last block
	 * on the box's own line ("</p></div>"). */
	int			 owed;
};

/*
 * A format. Blocks: a section (html's <section>) holds headings,
 * paragraphs, lists, tables, key-value lists, preformatted text and
 * boxes (html's <div class>); a banner is a one-paragraph alert at the
 * top. Inline: the rest. Hooks marked optional may be NULL.
 */
struct r_fmt {
	/* Optional: doc_*, section_*, box_*, row_begin, aside_end. */
	void	(*doc_begin)(struct r_out *, const struct report *);
	void	(*doc_end)(struct r_out *);
	void	(*section_begin)(struct r_out *, const char *);	/* id */
	void	(*section_end)(struct r_out *);
	void	(*heading_begin)(struct r_out *, int, const char *); /* id */
	void	(*heading_end)(struct r_out *, int);
	void	(*para_begin)(struct r_out *, const char *);	/* class */
	void	(*para_end)(struct r_out *);
	/* A paragraph that stands out (the verdict); class by status. */
	void	(*lead)(struct r_out *, const char *, const char *);
	/* class: "alert" (the audit), "practice" (not a change record) */
	void	(*banner_begin)(struct r_out *, const char *);
	void	(*banner_end)(struct r_out *);
	void	(*box_begin)(struct r_out *, const char *);	/* class */
	void	(*box_end)(struct r_out *);
	void	(*list_begin)(struct r_out *);
	void	(*item_begin)(struct r_out *);
	void	(*item_end)(struct r_out *);
	void	(*list_end)(struct r_out *);
	void	(*kv_begin)(struct r_out *);
	void	(*kv_row_begin)(struct r_out *, const char *);	/* key */
	void	(*kv_row_end)(struct r_out *);
	void	(*kv_end)(struct r_out *);
	void	(*table_begin)(struct r_out *, const struct r_table *);
	void	(*row_begin)(struct r_out *);
	void	(*cell)(struct r_out *, const struct r_col *); /* the next */
	void	(*row_end)(struct r_out *);
	void	(*table_end)(struct r_out *);
	void	(*pre)(struct r_out *, const char *, size_t);

	void	(*text)(struct r_out *, const char *);	/* NULL: nothing */
	void	(*muted)(struct r_out *, const char *);	/* "(none listed)" */
	void	(*code)(struct r_out *, const char *);	/* not empty */
	void	(*time)(struct r_out *, time_t);
	/* A status word: class by status; loud: md bolds it too. */
	void	(*status)(struct r_out *, const char *, const char *, int);
	void	(*strong_begin)(struct r_out *, const char *);	/* class */
	void	(*strong_end)(struct r_out *);
	/* A fact that must not be missed in the summary. */
	void	(*alarm)(struct r_out *, const char *);
	void	(*xref)(struct r_out *, const char *, const char *); /* id */
	void	(*br)(struct r_out *);
	/* A part of a table cell set apart (history); first: nothing
	 * before it in the cell. */
	void	(*aside_begin)(struct r_out *, const char *, int);
	void	(*aside_end)(struct r_out *);
};

extern const struct r_fmt report_md_fmt;
extern const struct r_fmt report_html_fmt;

/* The renderers: md and html (report-table.c), json (report-json.c). */
void		 report_table(FILE *, const struct report *,
		     const struct r_fmt *);
/* For the emitters: begin a block, paying the line end owed. */
void		 report_table_block(struct r_out *);
void		 report_json(FILE *, const struct report *);

#endif
