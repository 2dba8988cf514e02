// Who is calling: the authenticated application and credential, and the credential's role.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_CALLER_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_CALLER_H_

#include <string>

namespace pi::instruments::domain {

enum class Role { kMerchant, kPublishable, kProcessor, kAdmin };

struct Caller {
  std::string application_id;  // AP...
  std::string credential_id;   // the credential's public id (never its secret)
  Role role = Role::kMerchant;
};

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_CALLER_H_
