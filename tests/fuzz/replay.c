/*
 * A fuzz target's corpus as a regression test: linked with one target of
 * tests/fuzz/ (built with the project's compiler and flags, sanitizers and
 * coverage included, by "make check"), it feeds the target every file of
 * the directories named, once each, in the order of their names, as
 * libFuzzer would.  The target's own checks (an abort() where a parser
 * and its encoder disagree) and the sanitizers fail the run; a file that
 * cannot be read fails it too.  tests/t-fuzz-corpus.sh runs it.
 *
 *	NAME-replay DIR...
 *
 * prints "N inputs" when every input passed, and exits 0.
 */
/* SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

/* Read all of path into a buffer of its own; its length in *len. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat	 st;
	uint8_t		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		err(1, "%s", path);
	/*
	 * Exactly the file's bytes, as libFuzzer gives them, so that the
	 * sanitizer sees a read past the input (one for an empty file).
	 */
	if ((buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1)) == NULL)
		err(1, NULL);
	while (off < (size_t)st.st_size &&
	    (n = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
		off += n;
	if (off != (size_t)st.st_size)
		errx(1, "%s: short read", path);
	close(fd);
	*len = off;
	return (buf);
}

static int
byname(const struct dirent **a, const struct dirent **b)
{
	return (strcmp((*a)->d_name, (*b)->d_name));
}

int
main(int argc, char *argv[])
{
	struct dirent	**names;
	uint8_t		 *buf;
	char		 *path;
	size_t		  len, inputs = 0;
	int		  i, j, n;

	if (argc < 2)
		errx(1, "usage: %s DIR...", argv[0]);
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if ((n = scandir(argv[i], &names, NULL, byname)) == -1)
			err(1, "%s", argv[i]);
		for (j = 0; j < n; j++) {
			if (names[j]->d_name[0] == '.') {
				free(names[j]);
				continue;
			}
			if (asprintf(&path, "%s/%s", argv[i],
			    names[j]->d_name) == -1)
				err(1, NULL);
			buf = slurp(path, &len);
			LLVMFuzzerTestOneInput(buf, len);
			free(buf);
			free(path);
			free(names[j]);
			inputs++;
		}
		free(names);
	}
	printf("%zu inputs\n", inputs);
	return (0);
}
