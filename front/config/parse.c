/* parse.c - placeholder until the parser lands. */
