/* fuzz_config.c - libFuzzer target for the config.json parser.
 *
 * config.json comes from whoever wrote the bundle; the parser must refuse
 * anything malformed with an error and never crash, read out of bounds or
 * leak (ASan's leak check runs at exit).  Beyond "no crash", the target
 * checks that a refusal always says where: the message starts with
 * "config.json: " and the result pointer stays NULL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "front/config.h"
#include "lib/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = NULL;
	struct brig_err err;
	char *buf;

	/* config_parse wants a NUL-terminated buffer; an input with a NUL
	 * inside is still passed whole, to exercise that refusal too. */
	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	brig_err_clear(&err);
	if (config_parse(buf, size, &cfg, &err) < 0) {
		if (cfg != NULL || strncmp(err.msg, "config.json", 11) != 0)
			abort();
	} else {
		if (cfg == NULL || cfg->oci_version == NULL || cfg->root.path == NULL)
			abort();
		config_free(cfg);
	}
	free(buf);
	return 0;
}
