/* Placeholder on branch i5 only. */
#ifndef FEDWIZ_HELLO_H
#define FEDWIZ_HELLO_H
#endif
