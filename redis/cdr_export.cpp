// CdrExporter: drains the per-slot CDR outboxes into export files, at least once.
#include "gyrate/redis/cdr_export.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "account_codec.hpp"
#include "gyrate/engine/cdr_files.hpp"
#include "gyrate/redis/store_keys.hpp"

namespace gyrate::redis {
namespace {

// The smallest stream id after `id` ("<ms>-<seq>"): XTRIM MINID keeps it and everything newer.
std::string next_id(const std::string& id) {
  size_t dash = id.find('-');
  uint64_t seq = 0;
  std::from_chars(id.data() + dash + 1, id.data() + id.size(), seq);
  return id.substr(0, dash) + "-" + std::to_string(seq + 1);
}

}  // namespace

CdrExporter::CdrExporter(std::shared_ptr<ClusterClient> client, CdrExportOptions options)
    : client_(std::move(client)), options_(std::move(options)) {}

Expected<CdrExportPass> CdrExporter::export_once() {
  std::vector<Command> reads;
  reads.reserve(kSlots);
  const std::string count = std::to_string(options_.max_per_outbox);
  for (uint16_t slot = 0; slot < kSlots; ++slot) {
    std::string key = outbox_key(slot);
    reads.push_back(Command{key, {"XRANGE", key, "-", "+", "COUNT", count}});
  }
  std::vector<Expected<Reply>> replies = client_->pipeline(reads);

  CdrExportPass pass;
  std::vector<engine::Cdr> cdrs;
  std::vector<Command> trims;
  store::Cdr message;
  for (size_t slot = 0; slot < replies.size(); ++slot) {
    const Expected<Reply>& r = replies[slot];
    if (!r) return r.status();
    if (r->type == Reply::Type::kError) {
      return Status::error(ErrorCode::kUnavailable, reads[slot].key + ": XRANGE: " + r->str);
    }
    if (r->elements.empty()) continue;
    for (const Reply& entry : r->elements) {
      // [id, [field, value, ...]]: gyrate_apply writes one field, "cdr".
      if (entry.elements.size() != 2 || entry.elements[1].elements.size() != 2 ||
          !message.ParseFromString(entry.elements[1].elements[1].str)) {
        return Status::error(ErrorCode::kCorrupt, reads[slot].key + " entry " +
                                                      (entry.elements.empty() ? "?" : entry.elements[0].str) +
                                                      " is not a gyrate.store.Cdr");
      }
      cdrs.push_back(engine::codec::decode(message));
    }
    ++pass.outboxes;
    pass.more = pass.more || r->elements.size() >= options_.max_per_outbox;
    const std::string& last = r->elements.back().elements[0].str;
    trims.push_back(Command{reads[slot].key, {"XTRIM", reads[slot].key, "MINID", next_id(last)}});
  }
  if (cdrs.empty()) return pass;

  std::vector<std::pair<uint64_t, std::filesystem::path>> files = engine::cdr_files(options_.dir);
  pass.number = files.empty() ? 1 : files.back().first + 1;
  for (engine::Cdr& c : cdrs) c.sequence = pass.number;
  if (Status s = engine::write_cdr_files(options_.dir, cdrs, pass.number, options_.sync); !s) {
    return s;
  }
  pass.cdrs = cdrs.size();
  for (const Expected<Reply>& r : client_->pipeline(trims)) {
    if (!r || r->type == Reply::Type::kError) ++pass.trim_failures;
  }
  return pass;
}

}  // namespace gyrate::redis
