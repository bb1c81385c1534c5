/* Placeholder on branch i5 only: replaced by the real hello.c before merging. */
#include "config.h"
