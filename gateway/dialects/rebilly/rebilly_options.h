// Configuration of the Rebilly dialect, fixed at start.
#ifndef PI_GATEWAY_DIALECTS_REBILLY_REBILLY_OPTIONS_H_
#define PI_GATEWAY_DIALECTS_REBILLY_REBILLY_OPTIONS_H_

#include <string>

namespace pi::gateway::rebilly {

struct RebillyOptions {
  // Prepended to Rebilly's own paths: "" serves /organizations/... and
  // /storefront/organizations/..., as api.rebilly.com does.
  std::string prefix;
  // Absolute base of `Location` and `_links` hrefs, e.g. "https://vault.example.com".
  std::string public_base_url = "http://localhost:8080";
};

}  // namespace pi::gateway::rebilly

#endif  // PI_GATEWAY_DIALECTS_REBILLY_REBILLY_OPTIONS_H_
