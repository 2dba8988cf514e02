// Configuration of the Finix dialect, fixed at start.
#ifndef PI_GATEWAY_DIALECTS_FINIX_FINIX_OPTIONS_H_
#define PI_GATEWAY_DIALECTS_FINIX_FINIX_OPTIONS_H_

#include <string>

namespace pi::gateway::finix {

// The Finix-Version a request gets when it names none, and every version accepted. The
// resources this gateway serves are the same in both.
inline constexpr char kFinixApiVersion[] = "2022-02-01";
inline constexpr const char* kFinixApiVersions[] = {"2018-01-01", "2022-02-01"};

struct FinixOptions {
  // Where the dialect is mounted: "" serves /payment_instruments at the root.
  std::string prefix;
  // Absolute base of the `_links` hrefs, e.g. "https://vault.example.com" (no trailing '/').
  std::string public_base_url = "http://localhost:8080";
};

}  // namespace pi::gateway::finix

#endif  // PI_GATEWAY_DIALECTS_FINIX_FINIX_OPTIONS_H_
