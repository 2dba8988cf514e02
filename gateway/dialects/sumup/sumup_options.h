// Configuration of the SumUp dialect, fixed at start.
#ifndef PI_GATEWAY_DIALECTS_SUMUP_SUMUP_OPTIONS_H_
#define PI_GATEWAY_DIALECTS_SUMUP_SUMUP_OPTIONS_H_

#include <string>

namespace pi::gateway::sumup {

struct SumUpOptions {
  // Where the dialect is mounted: "/v0.1" serves /v0.1/customers, as api.sumup.com does.
  std::string prefix = "/v0.1";
};

}  // namespace pi::gateway::sumup

#endif  // PI_GATEWAY_DIALECTS_SUMUP_SUMUP_OPTIONS_H_
