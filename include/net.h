/* Placeholder on branch i5 only. */
#ifndef FEDWIZ_NET_H
#define FEDWIZ_NET_H
#endif
