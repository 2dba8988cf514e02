// Random bytes for public values: GCM nonces and resource identifiers. A per-thread buffer is
// refilled from RAND_bytes 1 KiB at a time, because one RAND_bytes call costs about 600 ns
// whatever its size (measured on this machine with OpenSSL 3.0), more than sealing a card number.
// Keys never come from here: they use RAND_bytes directly. After fork() the child discards every
// buffer it inherited, so parent and child never hand out the same nonce. Thread-safe; aborts if
// the DRBG fails (no safe way to continue).
#ifndef PI_SERVICES_INSTRUMENTS_CRYPTO_PUBLIC_RANDOM_H_
#define PI_SERVICES_INSTRUMENTS_CRYPTO_PUBLIC_RANDOM_H_

#include <cstddef>

namespace pi::instruments::crypto {

void FillPublicRandom(unsigned char* out, size_t size);

}  // namespace pi::instruments::crypto

#endif  // PI_SERVICES_INSTRUMENTS_CRYPTO_PUBLIC_RANDOM_H_
