#ifndef PUMPURS_CLIENT_SRC_SERVICE_CONFIG_H_
#define PUMPURS_CLIENT_SRC_SERVICE_CONFIG_H_

namespace pumpurs::client::internal {

// The contents of proto/pumpurs/v1/service_config.json, embedded at build
// time (see client-lib/CMakeLists.txt and service_config.cc.in).
extern const char kServiceConfigJson[];

}  // namespace pumpurs::client::internal

#endif  // PUMPURS_CLIENT_SRC_SERVICE_CONFIG_H_
