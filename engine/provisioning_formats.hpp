// The two subscriber file formats, each turning text into rows for provisioning_file.cpp:
// CSV with a header row (provisioning_csv.cpp) and JSON lines (provisioning_jsonl.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gyrate/engine/provisioning_file.hpp"

namespace gyrate::engine {

void parse_csv_provisioning(std::string_view text, const std::string& file, int32_t offset_minutes,
                            ParsedProvisioning& out);
void parse_jsonl_provisioning(std::string_view text, const std::string& file,
                              int32_t offset_minutes, ParsedProvisioning& out);

}  // namespace gyrate::engine
