/* path.c - placeholder; written with brig-mount */
#include "lib/path.h"
