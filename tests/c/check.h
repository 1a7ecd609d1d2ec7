/* What the C suites share: the CHECK counter and its closing line, and
 * FFIStr literals. Include after the library header. */
#ifndef RSFFI_TESTS_CHECK_H
#define RSFFI_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            passed++;                                                        \
        } else {                                                             \
            failed++;                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

/* Prints "N passed, M failed" (the line the test runner reads) and
 * returns the process's exit status. */
static int report(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

static FFIStr str(const char *s) {
    FFIStr r = {s, strlen(s)};
    return r;
}

#endif
