// What every dialect fuzz target checks of a request it mapped without shape errors: the bytes
// the gateway would send, pi-server can parse back into the same message (proto3 refuses
// strings that are not UTF-8, so this also proves none slipped through the mapping).
#ifndef PI_TESTS_FUZZ_REQUEST_ROUNDTRIP_H_
#define PI_TESTS_FUZZ_REQUEST_ROUNDTRIP_H_

#include <google/protobuf/util/message_differencer.h>

#include <string>

#include "tests/fuzz/fuzz_check.h"

namespace pi::fuzz {

template <typename Message>
void CheckRoundTrip(const Message& sent) {
  std::string wire;
  FUZZ_CHECK(sent.SerializeToString(&wire), "a mapped request does not serialize");
  Message received;
  FUZZ_CHECK(received.ParseFromString(wire), "pi-server could not parse a mapped request");
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(sent, received),
             "a mapped request changed on the wire");
}

}  // namespace pi::fuzz

#endif  // PI_TESTS_FUZZ_REQUEST_ROUNDTRIP_H_
