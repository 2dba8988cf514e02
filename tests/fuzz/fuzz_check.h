// FUZZ_CHECK(condition, message): a property every input must keep. When one does not, print
// why and abort, so libFuzzer records the input as a crash. Unlike assert(), never compiled out.
#ifndef PI_TESTS_FUZZ_FUZZ_CHECK_H_
#define PI_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, message)                                                           \
  do {                                                                                           \
    if (!(condition)) {                                                                          \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", __FILE__, __LINE__, #condition, \
                   message);                                                                     \
      std::abort();                                                                              \
    }                                                                                            \
  } while (false)

#endif  // PI_TESTS_FUZZ_FUZZ_CHECK_H_
