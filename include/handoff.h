/*
 * handoff.h: checks handed to another machine and their results taken back
 * (the Ansible hand-off: fedwiz export ansible, fedwiz import).
 *
 * An export binds each site's work to the session it came from: a manifest
 * (the site's whole share, one file) holds the runbook's bytes and names
 * its SHA-256, holds that site's slice of the answers and their digest, a
 * random nonce, and an Ed25519 private key made for that export alone.
 * `fedwiz check --manifest` on the jump host runs that runbook on those
 * answers (refusing them if either is not what the manifest names),
 * echoes the binding in its JSON results and signs them with that key.
 * The console keeps only the public half (in the store), so import can
 * tell results as the jump host's fedwiz wrote them from results edited
 * since, and results of this export from those of another.
 */
#ifndef FEDWIZ_HANDOFF_H
#define FEDWIZ_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#include "answers.h"
#include "runbook.h"
#include "util.h"

/* The manifest's format; a fedwiz that does not know it refuses it. */
#define HANDOFF_FORMAT		1

/* Hex lengths (with the NUL). */
#define HANDOFF_KEY_HEX		65	/* a 32-byte Ed25519 key */
#define HANDOFF_SIG_HEX		129	/* a 64-byte Ed25519 signature */
#define HANDOFF_NONCE_HEX	33	/* 16 random bytes */

/*
 * The digest of a slice of the answers: the runbook id, every answered
 * variable and every host of the slice (site NULL: every host; else the
 * hosts reached through that site), each host with its role, name,
 * address, user, port, effective profile and its own values. Not what is
 * local to one machine: a host's site and key file. The same answers
 * written by handoff_answers_text and read back on a jump host give the
 * same digest.
 */
void	handoff_answers_digest(const struct runbook *,
	    const struct answers *, const char *, char [65]);

/*
 * The slice of the answers a site's jump host gets, as an answers file:
 * the variables and the site's hosts, without sites (there, they are
 * reached directly) and without key files (there, the site's own).
 * malloc'd, NUL-terminated.
 */
char	*handoff_answers_text(const struct runbook *, const struct answers *,
	    const char *);

/* nbytes random bytes as hex into out (2 * nbytes + 1). -1: no
 * randomness (the message is in diags). */
int	handoff_random_hex(char *, size_t, struct diags *);

/* A new Ed25519 key pair, hex. 0, or -1 with a diag. */
int	handoff_keygen(char [HANDOFF_KEY_HEX], char [HANDOFF_KEY_HEX],
	    struct diags *);

/* What binds one site's results to its export. */
struct handoff_manifest {
	int		 format;
	char		*fedwiz;		/* the version that exported */
	int64_t		 export_id;
	int64_t		 session;		/* 0: exported from answers */
	char		*runbook;
	char		 runbook_sha256[65];
	char		*site;
	char		*jump;			/* [user@]address[:port] */
	char		 answers_sha256[65];
	char		 nonce[HANDOFF_NONCE_HEX];
	char		 key[HANDOFF_KEY_HEX];	/* private; wiped by clear */
	char		*answers;		/* the slice, as a file */
	char		*runbook_text;		/* the runbook's bytes */
	size_t		 runbook_len;
};

/* The manifest as a YAML file (it holds the private key: write it 0600;
 * the runbook goes in base64, byte for byte). malloc'd; wipe it after
 * use. */
char	*handoff_manifest_text(const struct handoff_manifest *);
/*
 * Read a manifest: a file only its owner can read (it holds a key), in a
 * format this fedwiz knows, every field there and well-formed. 0, or -1
 * with located diags.
 */
int	handoff_manifest_load(const char *, struct handoff_manifest *,
	    struct diags *);
void	handoff_manifest_clear(struct handoff_manifest *);

/*
 * Results are the JSON document `check --json` writes, whose top-level
 * "signature" member is written first as HANDOFF_SIG_HOLE, then the
 * document is signed whole and the signature put in the hole's place.
 * Verifying puts the hole back and checks the signature over the result:
 * one byte changed anywhere, and it fails.
 */
extern const char HANDOFF_SIG_HOLE[HANDOFF_SIG_HEX];

/* Sign doc in place with the private key (hex). 0, or -1 with a diag. */
int	handoff_sign(char *, size_t, const char *, struct diags *);
/*
 * Whether doc carries a valid signature by the public key (hex): 1 yes;
 * 0 no, with why[] saying what is wrong (no signature, more than one, not
 * this key's or not over these bytes).
 */
int	handoff_verify(const char *, size_t, const char *, char *, size_t);

#endif
