// Whether a request is fit for pi-server's protobuf parser: every proto3 `string` field set in it,
// nested messages included, must be valid UTF-8. JSON bodies are UTF-8 by the time nlohmann has
// parsed them, but percent-decoded path segments and query values, and header values, can be any
// bytes. A request carrying such bytes would be refused by gRPC itself before pi-server's code
// runs (the callback API answers UNIMPLEMENTED, which no dialect can explain), so InstrumentClient
// refuses it first, as INVALID_ARGUMENT.
#ifndef PI_GATEWAY_CORE_UTF8_FIELDS_H_
#define PI_GATEWAY_CORE_UTF8_FIELDS_H_

#include <google/protobuf/message.h>

namespace pi::gateway::core {

bool StringFieldsAreUtf8(const google::protobuf::Message& message);

}  // namespace pi::gateway::core

#endif  // PI_GATEWAY_CORE_UTF8_FIELDS_H_
