/* shterm.c: terminal I/O of the Cisco device shells (shterm.h). */
#include "config.h"

#include <sys/ioctl.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "shterm.h"

void
term_init(struct term *t)
{
	struct termios	tio;

	memset(t, 0, sizeof(*t));
	t->out = stdout;
	t->tty = isatty(0) && isatty(1);
	t->nl = t->tty ? "\n" : "\r\n";
	if (t->tty && tcgetattr(0, &tio) == 0) {
		/* The device echoes and ends lines its own way, whatever the
		 * client asked of the PTY. */
		tio.c_lflag |= ICANON | ECHO | ECHOE | ISIG;
		tio.c_iflag |= ICRNL;
		tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
		tio.c_oflag |= OPOST | ONLCR;
		tcsetattr(0, TCSANOW, &tio);
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
}

int
term_rows(const struct term *t)
{
	struct winsize	ws;

	if (t->tty && ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 2)
		return ws.ws_row;
	return 24;
}

int
term_line(struct term *t, char *buf, size_t n)
{
	size_t	len = 0;
	char	c;
	ssize_t	r;
	int	esc = 0;	/* 1: after ESC; 2: in a CSI; 3: after ESC O */

	fflush(t->out);
	/* Byte by byte, so nothing after the line is read ahead and lost
	 * to a later key or secret. A key's escape sequence (arrows, Home,
	 * End: ESC [ ... final, ESC O x) moves a device's cursor; it is never
	 * part of the command. */
	for (;;) {
		r = read(0, &c, 1);
		if (r <= 0) {
			if (len == 0)
				return -1;
			break;
		}
		if (c == '\n')
			break;
		if (c == '\r')
			continue;
		if (esc == 1) {
			esc = c == '[' ? 2 : c == 'O' ? 3 : 0;
			continue;
		}
		if (esc == 2) {
			if (c >= 0x40 && c <= 0x7e)
				esc = 0;
			continue;
		}
		if (esc == 3) {
			esc = 0;
			continue;
		}
		if (c == 0x1b) {
			esc = 1;
			continue;
		}
		if (len + 1 < n)
			buf[len++] = c;
	}
	buf[len] = '\0';
	return (int)len;
}

static int
raw_read(struct term *t, int echo_off)
{
	struct termios	old, raw;
	unsigned char	c;
	ssize_t		r;

	fflush(t->out);
	if (t->tty && tcgetattr(0, &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)(ICANON | (echo_off ? ECHO : 0));
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(0, TCSANOW, &raw);
		r = read(0, &c, 1);
		tcsetattr(0, TCSANOW, &old);
	} else
		r = read(0, &c, 1);
	return r == 1 ? c : -1;
}

int
term_key(struct term *t)
{
	return raw_read(t, 1);
}

int
term_secret(struct term *t, char *buf, size_t n, int stars)
{
	size_t	len = 0;
	int	c;

	for (;;) {
		c = raw_read(t, 1);
		if (c == -1 && len == 0) {
			buf[0] = '\0';
			return -1;
		}
		if (c == -1 || c == '\r' || c == '\n')
			break;
		if ((c == 0x7f || c == '\b') && len > 0) {
			len--;
			continue;
		}
		if (len + 1 < n)
			buf[len++] = (char)c;
		if (stars) {
			fputc('*', t->out);
			fflush(t->out);
		}
	}
	buf[len] = '\0';
	/* Without a PTY a CRLF leaves its LF behind; with one, Enter is
	 * one key. */
	fputs(t->nl, t->out);
	return (int)len;
}

void
term_put(struct term *t, const char *s)
{
	fputs(s, t->out);
	fputs(t->nl, t->out);
}

void
term_putf(struct term *t, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfprintf(t->out, fmt, ap);
	va_end(ap);
	fputs(t->nl, t->out);
}

void
term_raw(struct term *t, const char *s)
{
	fputs(s, t->out);
	fflush(t->out);
}

void
term_sleep(int ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}
