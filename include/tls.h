/* Placeholder on branch i5 only. */
#ifndef FEDWIZ_TLS_H
#define FEDWIZ_TLS_H
#endif
