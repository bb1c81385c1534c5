/* Placeholder on branch i5 only: replaced by the real tls.c before merging. */
#include "config.h"
