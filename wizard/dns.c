/* Placeholder on branch i5 only: replaced by the real dns.c before merging. */
#include "config.h"
