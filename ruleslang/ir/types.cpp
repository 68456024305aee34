// Names of unit dimensions and value types, as diagnostics and dumps print them.
#include "gyrate/ruleslang/types.hpp"

namespace gyrate::lang {

const char* dim_name(Dim d) {
  switch (d) {
    case Dim::kNone:
      return "none";
    case Dim::kToken:
      return "token";
    case Dim::kByte:
      return "byte";
    case Dim::kSecond:
      return "second";
    case Dim::kRequest:
      return "request";
    case Dim::kEvent:
      return "event";
  }
  return "?";
}

const char* type_kind_name(TypeKind k) {
  switch (k) {
    case TypeKind::kError:
      return "error";
    case TypeKind::kBool:
      return "bool";
    case TypeKind::kInt:
      return "int";
    case TypeKind::kRatio:
      return "ratio";
    case TypeKind::kQuantity:
      return "quantity";
    case TypeKind::kMoney:
      return "money";
    case TypeKind::kString:
      return "string";
    case TypeKind::kDate:
      return "date";
    case TypeKind::kTimeOfDay:
      return "time";
    case TypeKind::kWeekday:
      return "weekday";
    case TypeKind::kModel:
      return "model";
  }
  return "?";
}

}  // namespace gyrate::lang
