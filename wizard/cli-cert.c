/*
 * cli-cert.c: certificates as the probes print them, on the terminal and
 * in --json. probe cert (a file) and probe tls (what a peer presented)
 * show a certificate the same way. Every string from a certificate goes
 * through clean_str first: a subject may hold anything.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certinfo.h"
#include "clean.h"
#include "cli.h"
#include "json.h"
#include "util.h"

const char *
cli_utc_time(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* Whole days from now to t, rounded down (-1 for "a few hours ago"). */
long long
cli_days_until(time_t t, time_t now)
{
	long long	s = (long long)t - (long long)now;

	return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

/* Text from a certificate, fit for a terminal or a JSON string. */
void
cli_put_clean(FILE *fp, const char *s)
{
	char	*c;

	c = clean_str(s, strlen(s));
	fputs(c, fp);
	free(c);
}

void
cli_json_kclean(struct json *j, const char *k, const char *s)
{
	char	*c;

	if (s == NULL) {
		json_kstr(j, k, NULL);
		return;
	}
	c = clean_str(s, strlen(s));
	json_kstr(j, k, c);
	free(c);
}

void
cli_json_clean(struct json *j, const char *s)
{
	char	*c;

	c = clean_str(s, strlen(s));
	json_str(j, c);
	free(c);
}

void
cli_print_list(const char *label, char **v, size_t n, const char *none)
{
	size_t	i;

	printf("  %-13s", label);
	if (n == 0)
		fputs(none, stdout);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", stdout);
		cli_put_clean(stdout, v[i]);
	}
	putchar('\n');
}

void
cli_print_ekus(const struct cert_desc *d)
{
	const char	*nm;
	size_t		 i;

	printf("  %-13s", "usages (EKU)");
	if (!d->has_eku)
		fputs("no Enhanced Key Usage extension (any use, by RFC 5280)",
		    stdout);
	else if (d->nekus == 0)
		fputs("the extension lists nothing", stdout);
	for (i = 0; i < d->nekus; i++) {
		nm = cert_eku_name(d->ekus[i]);
		printf("%s%s%s%s%s", i ? ", " : "", nm ? nm : "", nm ? " (" :
		    "", d->ekus[i], nm ? ")" : "");
	}
	putchar('\n');
}

void
cli_print_field(const char *label, const char *s)
{
	printf("  %-13s", label);
	cli_put_clean(stdout, s != NULL && *s != '\0' ? s : "(none)");
	putchar('\n');
}

void
cli_json_desc(struct json *j, const struct cert_desc *d)
{
	const char	*nm;
	size_t		 i;

	cli_json_kclean(j, "subject", d->subject);
	cli_json_kclean(j, "cn", d->cn);
	json_key(j, "sans");
	json_arr_begin(j);
	for (i = 0; i < d->nsans; i++)
		cli_json_clean(j, d->sans[i]);
	json_arr_end(j);
	json_kbool(j, "eku_extension", d->has_eku);
	json_key(j, "ekus");
	json_arr_begin(j);
	for (i = 0; i < d->nekus; i++) {
		nm = cert_eku_name(d->ekus[i]);
		json_obj_begin(j);
		json_kstr(j, "oid", d->ekus[i]);
		json_kstr(j, "name", nm);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_kstr(j, "key", d->key);
	json_kstr(j, "signature_algorithm", d->sigalg);
}

void
cli_cert_text(const struct cert_desc *d, time_t now)
{
	char		 a[40], b[40];
	long long	 left;

	cli_print_field("subject", d->subject);
	printf("  %-13s", "issuer");
	cli_put_clean(stdout, d->issuer);
	if (d->self_issued)
		fputs(" (itself: self-signed)", stdout);
	putchar('\n');
	cli_print_list("names (SAN)", d->sans, d->nsans, "none");
	cli_print_ekus(d);
	cli_print_field("key", d->key);
	cli_print_field("signature", d->sigalg);
	cli_print_field("serial", d->serial);
	printf("  %-13s%s to %s", "valid", cli_utc_time(d->not_before, a,
	    sizeof(a)), cli_utc_time(d->not_after, b, sizeof(b)));
	left = cli_days_until(d->not_after, now);
	if (d->not_after < now)
		printf(" (EXPIRED %lld day%s ago)\n", -left, left == -1 ? "" :
		    "s");
	else if (d->not_before > now)
		printf(" (NOT YET VALID: starts in %lld day%s)\n",
		    cli_days_until(d->not_before, now) + 1,
		    cli_days_until(d->not_before, now) == 0 ? "" : "s");
	else
		printf(" (%lld day%s left)\n", left, left == 1 ? "" : "s");
	printf("  %-13s%s\n", "CA", d->is_ca ? "yes (CA:TRUE)" : "no");
	cli_print_field("SHA-256", d->sha256);
}

void
cli_cert_json(struct json *j, const struct cert_desc *d, time_t now)
{
	char	t[40];

	cli_json_desc(j, d);
	cli_json_kclean(j, "issuer", d->issuer);
	json_kstr(j, "serial", d->serial);
	json_kstr(j, "not_before", fmt_iso_time(d->not_before, t, sizeof(t)));
	json_kstr(j, "not_after", fmt_iso_time(d->not_after, t, sizeof(t)));
	json_kint(j, "days_left", cli_days_until(d->not_after, now));
	json_kbool(j, "expired", d->not_after < now);
	json_kbool(j, "not_yet_valid", d->not_before > now);
	json_kbool(j, "ca", d->is_ca);
	json_kbool(j, "self_signed", d->self_issued);
	json_kstr(j, "sha256", d->sha256);
}
