#include "gateway/core/utf8_fields.h"

#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/stubs/common.h>

namespace pi::gateway::core {

using google::protobuf::FieldDescriptor;

bool StringFieldsAreUtf8(const google::protobuf::Message& message) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);  // only the fields that are set
  for (const FieldDescriptor* field : fields) {
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      auto valid = [](const std::string& text) {
        return google::protobuf::internal::IsStructurallyValidUTF8(text.data(),
                                                                   static_cast<int>(text.size()));
      };
      if (!field->is_repeated()) {
        if (!valid(reflection->GetString(message, field))) return false;
        continue;
      }
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        if (!valid(reflection->GetRepeatedString(message, field, i))) return false;
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      // Map entries are repeated messages too, so map<string, string> keys and values are seen.
      if (!field->is_repeated()) {
        if (!StringFieldsAreUtf8(reflection->GetMessage(message, field))) return false;
        continue;
      }
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        if (!StringFieldsAreUtf8(reflection->GetRepeatedMessage(message, field, i))) return false;
      }
    }
  }
  return true;
}

}  // namespace pi::gateway::core
