// CDR export files: length-delimited protobuf and JSON lines, written atomically.
#include "gyrate/engine/cdr_files.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "account_codec.hpp"
#include "journal_io.hpp"
#include "json_text.hpp"

namespace gyrate::engine {
namespace {

constexpr std::string_view kPrefix = "cdrs-";

}  // namespace

std::string cdr_json_line(const Cdr& c) {
  JsonObject o;
  o.num("sequence", static_cast<int64_t>(c.sequence)).str("account", c.account);
  if (!c.member.empty()) o.str("member", c.member);
  o.str("session", c.session).num("number", c.number);
  if (!c.service.empty()) o.str("service", c.service);
  if (!c.pack.empty()) o.str("pack", c.pack);
  return o.num("time", c.time)
      .num("used", c.used)
      .num("weight_millionths", c.weight)
      .num("debit", c.debit)
      .num("committed", c.committed)
      .num("overrun", c.overrun)
      .num("charged_millionths", c.charged)
      .str("plan", c.plan)
      .num("plan_version", c.plan_version)
      .num("revision", static_cast<int64_t>(c.revision))
      .done();
}

Status write_cdr_files(const std::filesystem::path& dir, const std::vector<Cdr>& cdrs,
                       uint64_t last_sequence, bool sync) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::error(ErrorCode::kIo, "cannot create " + dir.string() + ": " + ec.message());
  std::string pb;
  std::string jsonl;
  {
    google::protobuf::io::StringOutputStream stream(&pb);
    google::protobuf::io::CodedOutputStream coded(&stream);
    store::Cdr message;
    for (const Cdr& c : cdrs) {
      codec::encode(c, message);
      coded.WriteVarint32(static_cast<uint32_t>(message.ByteSizeLong()));
      message.SerializeWithCachedSizes(&coded);
      jsonl += cdr_json_line(c);
      jsonl += '\n';
    }
  }
  std::string base = journal_io::numbered_name(kPrefix, last_sequence, "");
  // The .jsonl first: the .pb names the file as exported (cdr_files lists .pb files).
  if (Status s = journal_io::write_file_atomically(dir / (base + ".jsonl"), jsonl, sync); !s) return s;
  return journal_io::write_file_atomically(dir / (base + ".pb"), pb, sync);
}

std::vector<std::pair<uint64_t, std::filesystem::path>> cdr_files(const std::filesystem::path& dir) {
  return journal_io::numbered_files(dir, kPrefix, ".pb");
}

Expected<std::vector<Cdr>> read_cdr_file(const std::filesystem::path& file) {
  Expected<std::string> bytes = journal_io::read_file(file);
  if (!bytes) return bytes.status();
  google::protobuf::io::ArrayInputStream stream(bytes->data(), static_cast<int>(bytes->size()));
  google::protobuf::io::CodedInputStream coded(&stream);
  std::vector<Cdr> out;
  store::Cdr message;
  uint32_t size = 0;
  while (coded.ReadVarint32(&size)) {
    auto limit = coded.PushLimit(static_cast<int>(size));
    if (!message.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
      return Status::error(ErrorCode::kCorrupt, file.string() + ": a CDR does not parse");
    }
    coded.PopLimit(limit);
    out.push_back(codec::decode(message));
  }
  return out;
}

}  // namespace gyrate::engine
