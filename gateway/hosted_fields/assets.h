// The hosted fields' static files (gateway/hosted_fields/static/), compiled into the binary by
// embed_assets.cmake. Immutable; thread-safe.
#ifndef PI_GATEWAY_HOSTED_FIELDS_ASSETS_H_
#define PI_GATEWAY_HOSTED_FIELDS_ASSETS_H_

#include <string_view>

namespace pi::gateway::hosted_fields {

struct Asset {
  std::string_view name;     // the file name, e.g. "card.js"
  std::string_view content;  // its bytes
};

// The asset named `name`, or nullptr.
const Asset* FindAsset(std::string_view name);

}  // namespace pi::gateway::hosted_fields

#endif  // PI_GATEWAY_HOSTED_FIELDS_ASSETS_H_
