// Configuration of the Finix dialect, fixed at start.
#ifndef PI_GATEWAY_DIALECTS_FINIX_FINIX_OPTIONS_H_
#define PI_GATEWAY_DIALECTS_FINIX_FINIX_OPTIONS_H_

#include <string>

namespace pi::gateway::finix {

inline constexpr char kFinixApiVersion[] = "2022-02-01";

struct FinixOptions {
  // Where the dialect is mounted: "" serves /payment_instruments at the root.
  std::string prefix;
  // Absolute base of the `_links` hrefs, e.g. "https://vault.example.com" (no trailing '/').
  std::string public_base_url = "http://localhost:8080";
};

}  // namespace pi::gateway::finix

#endif  // PI_GATEWAY_DIALECTS_FINIX_FINIX_OPTIONS_H_
