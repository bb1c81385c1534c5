/* fuzz_certfile.c: any bytes as a certificate file (PEM, DER, PKCS #7,
 * CSR), and whatever loads is described and judged as probe cert does. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certinfo.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct certfile		 cf;
	struct cert_desc	 d;
	struct cert_verdict	 v;
	struct cert_want	 w = { .name = "pool1.example.com",
	    .eku = CERT_EKU_SERVER | CERT_EKU_CLIENT, .now = 1700000000 };
	char			*err = NULL;
	int			 i;

	if (certfile_parse("f", data, len, &cf, &err) == -1) {
		/* a refusal always names the file */
		if (err == NULL || strncmp(err, "f:", 2) != 0)
			abort();
		free(err);
		return 0;
	}
	for (i = 0; i < sk_X509_num(cf.certs); i++) {
		cert_describe(sk_X509_value(cf.certs, i), &d);
		cert_desc_free(&d);
	}
	if (cf.csr != NULL) {
		(void)cert_describe_csr(cf.csr, &d);
		cert_desc_free(&d);
		cert_judge_csr(cf.csr, &w, &v);
		cert_verdict_free(&v);
	}
	if (certfile_leaf(&cf) != NULL) {
		cert_judge(certfile_leaf(&cf), cf.certs, &w, &v);
		cert_verdict_free(&v);
	}
	certfile_free(&cf);
	return 0;
}
