/*
 * planview.h: a plan as text or JSON, shared by `fedwiz plan` (no session)
 * and `fedwiz status` (with one: step states carry who, when and the note).
 */
#ifndef FEDWIZ_PLANVIEW_H
#define FEDWIZ_PLANVIEW_H

#include <stdio.h>

#include "json.h"
#include "plan.h"

struct session;

/* The table of instances in order; with steps, every step filled in. */
void	planview_text(FILE *, const struct plan *, const struct session *,
	    int);
/* "procedures": [...] members of an open JSON object. */
void	planview_json_procedures(struct json *, const struct plan *,
	    const struct session *);
/* The whole `plan --json` document. */
void	planview_json(FILE *, const struct plan *, const struct session *);
/* "check: ssh on lync_fe: Get-Cs...": one line, values filled in. */
char	*planview_check_summary(const struct rb_check *, struct scope *);
/* Whether a check or a step applies in this scope. */
int	planview_check_applies(const struct rb_check *, struct scope *);

#endif
