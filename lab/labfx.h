/*
 * labfx.h: what happens in the estate, as functions: the effects of a
 * cmdlet, of a CLI command, of a click in a web page or MMC. The device
 * shells call them for what is typed, `fedwiz lab do` for what is
 * clicked, and a `configured` lab is a fresh one with the runbooks'
 * effects applied through the same functions, so the three cannot
 * disagree about what a procedure does. Each logs what it changed
 * (lab_log), which is what `lab do` prints.
 *
 * Every function runs inside the caller's transaction.
 */
#ifndef FEDWIZ_LABFX_H
#define FEDWIZ_LABFX_H

#include <stddef.h>
#include <stdint.h>

#include "lab.h"

/* Well-known names. */
#define FX_CA_HOST	"ca1"
#define FX_FIPS_KEY	"HKLM\\System\\CurrentControlSet\\Control\\Lsa\\FipsAlgorithmPolicy"
#define FX_LSA_KEY	"HKLM\\System\\CurrentControlSet\\Control\\Lsa"
#define FX_PEER_CTX	"Default_Cisco_UPS_SIP_Proxy_Peer_Auth_TLS_Context"
#define FX_DOWNLOADS	"C:\\Users\\Administrator\\Downloads"

/* The lab CA's certificate (the issuing CA, example-CA1); 0 before up. */
int64_t	 fx_ca_cert(struct lab *);

/* ---- Windows ----------------------------------------------------------- */

/* The CA web page's "Download CA certificate chain": the .p7b saved on
 * host at path (NULL: Downloads\certnew.p7b). */
void	 fx_win_download_chain(struct lab *, const char *, const char *);
/* The CA web page's "Download CA certificate" (Base 64 .cer of the CA). */
void	 fx_win_download_ca(struct lab *, const char *, const char *);
/* MMC Certificates import of the CA chain into a store (Root). */
void	 fx_win_install_chain(struct lab *, const char *, const char *);
/*
 * A certificate request made on host (Request-CsCertificate, certreq, or
 * the certsrv advanced request): key, request file at path (NULL: none),
 * and a pending request recorded on the host. Its request object id.
 */
int64_t	 fx_win_request(struct lab *, const char *, const char *,
	    const char *, const char *, const char *, const char *);
/* Submit host's latest request to the CA (the certsrv "Submit a
 * certificate request" page): pending on a standalone CA, issued at once
 * with a template. 0 or -1 when host made no request. */
int	 fx_ca_submit(struct lab *, const char *, const char *);
/* The CA admin issues every pending request of host (Pending Requests >
 * All Tasks > Issue). How many. */
int	 fx_ca_issue_pending(struct lab *, const char *);
/* Download host's issued certificate (Base 64 .cer) to path (NULL:
 * Downloads\certnew.cer) and import it into the Personal store with its
 * key. The cert id, or 0 when the CA has issued none for host. */
int64_t	 fx_win_fetch_issued(struct lab *, const char *, const char *, int);
/* Lync: assign a certificate (by id) to a use (Default). */
void	 fx_lync_assign(struct lab *, const char *, const char *, int64_t);
/* The certificate a Windows host presents on its SIP TLS port: Lync's
 * Default, OCS's configured one, the Edge's external one. */
int64_t	 fx_win_sip_cert(struct lab *, const char *);
/* OCS: the certificate the server uses (Front End properties >
 * Certificate, or the Edge's external interface). */
void	 fx_ocs_use_cert(struct lab *, const char *, int64_t);
void	 fx_win_fips(struct lab *, const char *, int);
void	 fx_service(struct lab *, const char *, const char *, const char *);

/* ---- Lync (Central Management Store, scope of the host) --------------- */

/* A static route: returns its object id. */
int64_t	 fx_cs_route_add(struct lab *, const char *, const char *, int,
	    const char *, const char *, int, int);
void	 fx_cs_routes_clear(struct lab *, const char *);
int64_t	 fx_cs_pool_add(struct lab *, const char *, const char *,
	    const char *, const char *, int, int);
int64_t	 fx_cs_app_add(struct lab *, const char *, const char *,
	    const char *, int);
/* The topology XML as Get-CsTopology -AsXml gives it (malloc'd). */
char	*fx_cs_topology_xml(struct lab *, const char *);
/* Publish-CsTopology from XML text: the trusted pools' machine addresses.
 * 0, or -1 and a message. */
int	 fx_cs_topology_publish(struct lab *, const char *, const char *,
	    char **);

/* ---- OCS 2007 / R2 (WMI, scope of the pool) ------------------------- */

int64_t	 fx_ocs_route_add(struct lab *, const char *, const char *,
	    const char *, int, const char *, int);
int64_t	 fx_ocs_hostauth_add(struct lab *, const char *, const char *, int,
	    int, int);
int64_t	 fx_ocs_listener(struct lab *, const char *, const char *, int, int);

/* ---- IM and Presence / CUP ------------------------------------------- */

/* The node's own certificate of a unit (cup, tomcat): id, 0 if none. */
int64_t	 fx_imp_own(struct lab *, const char *, const char *);
void	 fx_imp_set_own(struct lab *, const char *, const char *, int64_t);
/* Upload a certificate into a trust unit (cup-trust): the file name is
 * the subject CN's (an IP address for the ASA), .pem; IM and Presence
 * keeps a .der too. */
void	 fx_imp_trust(struct lab *, const char *, const char *, int64_t);
/* Generate a CSR for a unit (cup): key and request; the PEM (malloc'd). */
char	*fx_imp_csr(struct lab *, const char *, const char *);
/* Have the lab CA sign host's pending CSR of unit and upload the signed
 * certificate (OS Administration > Upload Certificate). */
int64_t	 fx_imp_sign_and_upload(struct lab *, const char *, const char *);
void	 fx_imp_peer_subject(struct lab *, const char *, const char *,
	    const char *);
/* The peer-auth TLS context: add a cipher, a peer subject, set the empty
 * fragments flag (-1: leave). */
void	 fx_imp_context(struct lab *, const char *, const char *,
	    const char *, int);
int64_t	 fx_imp_route(struct lab *, const char *, const char *, const char *,
	    int, const char *, const char *);
void	 fx_imp_listener(struct lab *, const char *, const char *, int);
void	 fx_imp_fed_domain(struct lab *, const char *, const char *);
void	 fx_imp_acl(struct lab *, const char *, const char *);
void	 fx_imp_routing_fqdn(struct lab *, const char *, const char *);

/* ---- ASA ----------------------------------------------------------------- */

/* The certificate a trustpoint holds: "ca" or "id". 0 if none. */
int64_t	 fx_asa_tp_cert(struct lab *, const char *, const char *,
	    const char *);
void	 fx_asa_tp_set_cert(struct lab *, const char *, const char *,
	    const char *, int64_t);
int64_t	 fx_asa_keypair(struct lab *, const char *, const char *, int);
/* enrollment self: a self-signed certificate from the trustpoint's
 * settings. 0, or -1 and what is missing. */
int64_t	 fx_asa_enroll_self(struct lab *, const char *, const char *, char **);
/* SCEP: the CA's certificate (authenticate), then an identity certificate
 * issued by the lab CA (enroll). */
int64_t	 fx_asa_scep_ca(struct lab *, const char *, const char *, char **);
int64_t	 fx_asa_scep_enroll(struct lab *, const char *, const char *, char **);

/* ---- DNS ------------------------------------------------------------- */

void	 fx_dns_a(struct lab *, const char *, const char *);

#endif
