#include "server/rpc/update_mask.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/error.h"

namespace pumpurs::rpc {

absl::StatusOr<std::set<std::string>> ResolveUpdateMask(
    const google::protobuf::FieldMask& mask,
    const std::vector<std::string>& updatable,
    const google::protobuf::Message& resource) {
  std::set<std::string> paths;
  if (mask.paths_size() == 1 && mask.paths(0) == "*") {
    return std::set<std::string>(updatable.begin(), updatable.end());
  }
  if (mask.paths_size() == 0) {
    const auto* descriptor = resource.GetDescriptor();
    const auto* reflection = resource.GetReflection();
    for (const std::string& name : updatable) {
      const auto* field = descriptor->FindFieldByName(name);
      if (field != nullptr && !field->is_repeated() &&
          reflection->HasField(resource, field)) {
        paths.insert(name);
      }
    }
    return paths;
  }
  Violations v;
  for (const std::string& path : mask.paths()) {
    if (std::find(updatable.begin(), updatable.end(), path) ==
        updatable.end()) {
      v.Add("update_mask",
            absl::StrCat(
                "path \"", path.size() > 64 ? path.substr(0, 64) : path,
                "\" is not updatable; use ", absl::StrJoin(updatable, ", ")));
    } else {
      paths.insert(path);
    }
  }
  if (!v.empty()) return v.ToStatus();
  return paths;
}

}  // namespace pumpurs::rpc
