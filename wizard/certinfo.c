/* Placeholder on branch i5 only: replaced by the real certinfo.c before merging. */
#include "config.h"
