#include "services/instruments/crypto/public_random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace pi::instruments::crypto {
namespace {

constexpr size_t kBufferSize = 1024;

// Bumped in the child after fork(): buffers filled under an older generation are discarded.
std::atomic<unsigned> fork_generation{0};

void OnForkInChild() { fork_generation.fetch_add(1); }

struct Buffer {
  unsigned char bytes[kBufferSize];
  size_t used = kBufferSize;  // empty until the first refill
  unsigned generation = 0;

  ~Buffer() { OPENSSL_cleanse(bytes, sizeof(bytes)); }

  void Refill() {
    if (RAND_bytes(bytes, kBufferSize) != 1) std::abort();
    used = 0;
    generation = fork_generation.load();
  }
};

}  // namespace

void FillPublicRandom(unsigned char* out, size_t size) {
  static std::once_flag registered;
  std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, OnForkInChild); });
  thread_local Buffer buffer;
  if (buffer.generation != fork_generation.load()) buffer.used = kBufferSize;
  while (size > 0) {
    if (buffer.used == kBufferSize) buffer.Refill();
    size_t take = std::min(size, kBufferSize - buffer.used);
    std::memcpy(out, buffer.bytes + buffer.used, take);
    // Handed-out bytes are not kept: nothing left in the buffer repeats a value given out.
    OPENSSL_cleanse(buffer.bytes + buffer.used, take);
    buffer.used += take;
    out += take;
    size -= take;
  }
}

}  // namespace pi::instruments::crypto
