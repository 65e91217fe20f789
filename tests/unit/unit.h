/* unit.h — what every cmocka test file includes. */
#ifndef MAMORI_UNIT_H
#define MAMORI_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/util.h"

#endif
