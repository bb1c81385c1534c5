/* Placeholder on branch i5 only: replaced by the real net.c before merging. */
#include "config.h"
