/*
 * yaml-events.c: the floor under any libyaml-based loader: read a file and
 * pull every libyaml event, building nothing. bench/load-plan.sh compiles
 * it and reports it next to fedwiz, so the share of time that is libyaml's
 * own scanner is visible.
 */
#include <stdio.h>
#include <stdlib.h>

#include <yaml.h>

int
main(int argc, char **argv)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	unsigned char	*buf;
	FILE		*fp;
	long		 n, count = 0;
	int		 done = 0;

	if (argc != 2 || (fp = fopen(argv[1], "rb")) == NULL)
		return 2;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	if ((buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, fp) != (size_t)n)
		return 2;
	fclose(fp);
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, buf, (size_t)n);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev))
			return 1;
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		count++;
	}
	yaml_parser_delete(&p);
	free(buf);
	printf("%ld events\n", count);
	return 0;
}
