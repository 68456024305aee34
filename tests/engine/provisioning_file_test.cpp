// Bulk provisioning from CSV and JSON-lines files (engine/provisioning_*.cpp): the example files
// on the example catalog, quoting, every kind of bad row with its line, engine refusals mapped
// back to lines, and all or nothing (docs/provisioning.md).
#include "gyrate/engine/provisioning_file.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "engine_test_support.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

constexpr const char* kCatalog = "examples/catalog.tariff";
const std::string kHeader = "id,plan,activation,billing_day,team,identities,attr.region,attr.seats\n";

std::string example(const std::string& name) {
  return std::string(GYRATE_SOURCE_DIR) + "/examples/" + name;
}

// A file in a directory of its own, removed with the test.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text) {
    static std::atomic<int> n{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("gyrate_prov_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / name).string();
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { std::filesystem::remove_all(dir_); }
  const std::string& path() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::string path_;
};

ParsedProvisioning parse_csv(const std::string& text) {
  return parse_provisioning(text, "s.csv", ProvisioningFormat::kCsv, kCst);
}
ParsedProvisioning parse_jsonl(const std::string& text) {
  return parse_provisioning(text, "s.jsonl", ProvisioningFormat::kJsonLines, kCst);
}

// "line: reason" for each error, to compare whole lists at once.
std::vector<std::string> errors_of(const std::vector<ProvisioningError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(std::to_string(e.line) + ": " + e.reason);
  return out;
}

// The first error's line and whether its reason holds `words`.
void expect_one_error(const std::vector<ProvisioningError>& errors, size_t line,
                      const std::string& words) {
  ASSERT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors_of(errors));
  EXPECT_EQ(errors[0].line, line) << errors[0].reason;
  EXPECT_NE(errors[0].reason.find(words), std::string::npos) << errors[0].reason;
}

std::optional<std::string> owner(const Engine& engine, const std::string& identity) {
  Expected<Identity> id = parse_identity(identity);
  EXPECT_TRUE(id) << id.status().to_string();
  return engine.find_by_identity(*id);
}

TEST(ProvisioningFile, ExampleCsvProvisionsEveryPlanTeamAndIdentityKind) {
  Engine engine(catalog(kCatalog));
  ProvisioningReport report = apply_provisioning(engine, example("subscribers.csv"));
  ASSERT_TRUE(report.applied) << ::testing::PrintToString(errors_of(report.errors));
  EXPECT_EQ(report.counts.subscribers, 6u);
  EXPECT_EQ(report.counts.teams, 1u);
  EXPECT_EQ(report.counts.members, 3u);
  EXPECT_EQ(engine.account_count(), 7u);
  EXPECT_EQ(owner(engine, "e164:8613800000001"), "alice");
  EXPECT_EQ(owner(engine, "imsi:460001234567802"), "bob");
  EXPECT_EQ(owner(engine, "nai:bob@5g.example.cn"), "bob");  // realm case folded
  EXPECT_EQ(owner(engine, "nai:li@acme.example.cn"), "acme-li");  // a member, inside acme
  int64_t nov1 = local(2026, 11, 1, 0, 0, kCst);
  // acme: 3 seats at 99 CNY in the first period; the members draw on its pool.
  auto acme = engine.balances("acme-zhao", nov1 + kDay);
  ASSERT_TRUE(acme) << acme.status().to_string();
  EXPECT_EQ(acme->team, "acme");
  EXPECT_EQ(acme->fees_charged, 297 * kCny);
  // dave joined on 15 August, before coding v2 took effect, and keeps v1 (40 CNY) for his three
  // periods to 1 November; erin joined v2 (52 CNY) on 1 October: two periods.
  EXPECT_EQ(engine.balances("dave", nov1)->fees_charged, 3 * 40 * kCny);
  EXPECT_EQ(engine.balances("erin", nov1)->fees_charged, 2 * 52 * kCny);
  // bob joined 2026-11-03T09:30 local with billing day 3: his period is 3 November to 3 December.
  auto bob = engine.balances("bob", nov1 + 3 * kDay);
  EXPECT_EQ(bob->period.start, local(2026, 11, 3, 0, 0, kCst));
  EXPECT_EQ(bob->period.end, local(2026, 12, 3, 0, 0, kCst));
}

TEST(ProvisioningFile, ExampleJsonLinesProvisionAndBothFilesGoTogether) {
  Engine engine(catalog(kCatalog));
  ProvisioningReport report = apply_provisioning(
      engine, std::vector<std::string>{example("subscribers.jsonl"), example("subscribers.csv")});
  ASSERT_TRUE(report.applied) << ::testing::PrintToString(errors_of(report.errors));
  EXPECT_EQ(report.counts.subscribers, 21u);  // 10 of them for the T-rows the CSV leaves out
  EXPECT_EQ(report.counts.teams, 2u);
  EXPECT_EQ(report.counts.members, 5u);
  EXPECT_EQ(owner(engine, "nai:chen@globex.example.cn"), "globex-chen");
  auto globex = engine.balances("globex", local(2026, 11, 2, 0, 0, kCst));
  EXPECT_EQ(globex->fees_charged, 2 * 99 * kCny);  // "seats": 2 as a JSON number
  EXPECT_EQ(globex->members.size(), 2u);
}

TEST(ProvisioningFile, CsvAndJsonLinesMeanTheSame) {
  ParsedProvisioning csv = parse_csv(
      "id,plan,activation,billing_day,team,identities,attr.region,attr.student\n"
      "x,student_paygo,2026-11-05T20:15,9,,e164:+8613700000001; imsi:460011234567001,\"a, \"\"b\"\"\",true\n");
  ParsedProvisioning jsonl = parse_jsonl(
      R"({"id":"x","plan":"student_paygo","activation":"2026-11-05T20:15","billing_day":9,)"
      R"("identities":["e164:+8613700000001","imsi:460011234567001"],)"
      R"("attributes":{"region":"a, \"b\"","student":true}})"
      "\n");
  ASSERT_TRUE(csv.errors.empty()) << ::testing::PrintToString(errors_of(csv.errors));
  ASSERT_TRUE(jsonl.errors.empty()) << ::testing::PrintToString(errors_of(jsonl.errors));
  ASSERT_EQ(csv.specs.size(), 1u);
  ASSERT_EQ(jsonl.specs.size(), 1u);
  for (const ProvisionSpec* s : {&csv.specs[0], &jsonl.specs[0]}) {
    EXPECT_EQ(s->id, "x");
    EXPECT_EQ(s->plan, "student_paygo");
    EXPECT_EQ(s->activation, local(2026, 11, 5, 20, 15, kCst));
    EXPECT_EQ(s->billing_day, 9);
    EXPECT_EQ(s->identities, (std::vector<Identity>{{IdentityType::kE164, "8613700000001"},
                                                    {IdentityType::kImsi, "460011234567001"}}));
    using Attributes = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(s->attributes, (Attributes{{"region", "a, \"b\""}, {"student", "true"}}));
  }
}

TEST(ProvisioningFile, CsvQuotingCrlfBlankLinesCommentsAndLines) {
  ParsedProvisioning p = parse_csv(
      "\xEF\xBB\xBF# a comment before the header\r\n"
      "id,plan,activation,billing_day,team,identities,attr.region,attr.seats\r\n"
      "\r\n"
      "a,token_starter,2026-11-01,,,,\"Shenzhen, Nanshan\",\r\n"
      "  # an indented comment\r\n"
      "\"b\",\"token_starter\", 2026-11-01 ,,,,\"say \"\"hi\"\"\",\r\n"
      "c,token_starter,2026-11-01,,,,\"two\r\nlines\",\r\n"
      "d,token_starter,2026-11-01,,,,,");  // no line break at the end
  ASSERT_TRUE(p.errors.empty()) << ::testing::PrintToString(errors_of(p.errors));
  ASSERT_EQ(p.specs.size(), 4u);
  EXPECT_EQ(p.lines, (std::vector<size_t>{4, 6, 7, 9}));
  EXPECT_EQ(p.specs[0].attributes[0].second, "Shenzhen, Nanshan");
  EXPECT_EQ(p.specs[1].id, "b");
  EXPECT_EQ(p.specs[1].activation, local(2026, 11, 1, 0, 0, kCst));  // spaces around trimmed
  EXPECT_EQ(p.specs[1].attributes[0].second, "say \"hi\"");
  EXPECT_EQ(p.specs[2].attributes[0].second, "two\nlines");
  EXPECT_TRUE(p.specs[3].attributes.empty());  // an empty cell: the declared default
}

TEST(ProvisioningFile, ActivationFormats) {
  auto activation = [](const std::string& text) -> std::optional<int64_t> {
    ParsedProvisioning p = parse_csv("id,plan,activation\nx,p," + text + "\n");
    if (p.specs.empty()) return std::nullopt;
    return p.specs[0].activation;
  };
  EXPECT_EQ(activation("2026-11-01"), local(2026, 11, 1, 0, 0, kCst));
  EXPECT_EQ(activation("2026-11-01T07:05"), local(2026, 11, 1, 7, 5, kCst));
  EXPECT_EQ(activation("2026-11-01 07:05:09"), local(2026, 11, 1, 7, 5, kCst) + 9);
  EXPECT_EQ(activation("2026-11-01T07:05Z"), local(2026, 11, 1, 7, 5, 0));
  EXPECT_EQ(activation("2026-11-01T07:05:00-05:30"), local(2026, 11, 1, 7, 5, -330));
  EXPECT_EQ(activation("@1793548800"), 1793548800);
  for (const char* bad : {"2026-02-30", "2026-11-01T24:00", "2026-11-01T07:05:60", "11/01/2026",
                          "2026-11-01T07", "@", "@12x", "2026-11-01T07:05+8"}) {
    EXPECT_EQ(activation(bad), std::nullopt) << bad;
  }
}

TEST(ProvisioningFile, EachKindOfBadCsvRowIsReportedWithItsLine) {
  ParsedProvisioning p = parse_csv(
      kHeader +                                               // line 1
      "ok,token_starter,2026-11-01,,,,,\n"                    // 2
      "b,token_starter,2026-13-01,,,,,\n"                     // 3: bad date
      "c,token_starter,2026-11-01,32,,,,\n"                   // 4: bad billing day
      ",token_starter,2026-11-01,,,,,\n"                      // 5: missing id
      "e,token_starter,2026-11-01,,,e164:0123;imsi:46,,\n"    // 6: two malformed identities
      "f,token_starter,2026-11-01,,,phone:123,,\n"            // 7: unknown identity type
      "g,,2026-11-01,,,,,\n"                                  // 8: missing plan
      "h,token_starter,,,,,,\n"                               // 9: missing activation
      "i,token_starter,2026-11-01,,,,\n"                      // 10: a field short
      "j,token_starter,\"2026-11-01\"x,,,,,\n"                // 11: text after a quote
      "k,token_starter,\"2026-11-01,,,,,\n");                 // 12: a quote never closed
  EXPECT_EQ(p.specs.size(), 1u);
  EXPECT_EQ(p.lines, std::vector<size_t>{2});
  std::vector<std::string> got = errors_of(p.errors);
  std::vector<std::pair<size_t, std::string>> want = {
      {3, "bad activation '2026-13-01'"},
      {4, "bad billing_day '32': expected a day of the month 1..31"},
      {5, "missing id"},
      {6, "malformed identity: e164 '0123': a country code never starts with 0"},
      {6, "malformed identity: imsi '46': an IMSI is 6 to 15 digits"},
      {7, "malformed identity: identity 'phone:123' is not TYPE:VALUE"},
      {8, "missing plan"},
      {9, "missing activation"},
      {10, "the row has 7 fields, the header 8"},
      {11, "field 3 has text after its closing quote"},
      {12, "a quoted field opened on line 12 is never closed"},
  };
  ASSERT_EQ(got.size(), want.size()) << ::testing::PrintToString(got);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(p.errors[i].line, want[i].first) << got[i];
    EXPECT_NE(p.errors[i].reason.find(want[i].second), std::string::npos) << got[i];
  }
}

TEST(ProvisioningFile, BadHeaderIsReportedOnceAndStopsTheFile) {
  ParsedProvisioning p = parse_csv("# subscribers\nid,plan,biling_day,attr.,plan\nx,p,1,2,3\n");
  EXPECT_TRUE(p.specs.empty());
  EXPECT_EQ(errors_of(p.errors),
            (std::vector<std::string>{
                "2: unknown column 'biling_day' (columns: id, plan, activation, billing_day, "
                "team, identities, attr.NAME for an attribute)",
                "2: unknown column 'attr.' (columns: id, plan, activation, billing_day, team, "
                "identities, attr.NAME for an attribute)",
                "2: column 'plan' is given twice"}));
  expect_one_error(parse_csv("plan,activation\np,2026-11-01\n").errors, 1, "no 'id' column");
  expect_one_error(parse_csv("# only a comment\n\n").errors, 0, "no header row");
}

TEST(ProvisioningFile, EachKindOfBadJsonLineIsReportedWithItsLineAndColumn) {
  ParsedProvisioning p = parse_jsonl(
      "{\"id\":\"ok\",\"plan\":\"token_starter\",\"activation\":\"2026-11-01\"}\n"  // 1
      "\n"                                                                        // 2
      "# comment\n"                                                               // 3
      "{\"id\": \"b\", \"plan\": token_starter}\n"                                // 4
      "{\"id\": \"c\",}\r\n"                                                       // 5
      "[\"d\"]\n"                                                                 // 6
      "{\"id\":\"e\",\"plan\":\"p\",\"activation\":\"2026-11-01\",\"foo\":1}\n"   // 7
      "{\"id\":\"f\",\"plan\":\"p\",\"activation\":true,\"billing_day\":1.5}\n"  // 8
      "{\"id\":\"g\",\"plan\":\"p\",\"activation\":1,\"identities\":[\"nai:\",7],"
      "\"attributes\":{\"region\":[1]}}\n"                                        // 9
      "{\"id\":7,\"id\":\"h\"}\n"                                                 // 10
      "{\"id\":\"i\",\"plan\":\"p\",\"activation\":\"2026-11-01\",\"team\":null}\n"  // 11: ok
      "{\"id\":\"\\u00e9\\ud83d\\ude00\",\"plan\":\"p\",\"activation\":0}\n"  // 12: ok, UTF-8
      "{\"id\":\"j\" \"plan\":\"p\"}\n"                                           // 13
      "{\"id\":\"k\\q\"}\n");                                                     // 14
  EXPECT_EQ(p.lines, (std::vector<size_t>{1, 11, 12}));
  ASSERT_EQ(p.specs.size(), 3u);
  EXPECT_EQ(p.specs[2].id, "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(errors_of(p.errors),
            (std::vector<std::string>{
                "4: bad JSON at column 21: expected a JSON value",
                "5: bad JSON at column 12: expected a member name in double quotes",
                "6: a line must be a JSON object, not an array",
                "7: unknown field 'foo' (fields: id, plan, activation, billing_day, team, "
                "identities, attributes)",
                "8: 'activation' must be a string or a number, not a boolean",
                "8: bad billing_day '1.5': expected a day of the month 1..31 (empty: the "
                "activation's day)",
                "8: missing activation",
                "9: malformed identity: nai '': an NAI is 1 to 253 bytes",
                "9: an item of 'identities' must be a \"type:value\" string, not a number",
                "9: attribute 'region' must be a string, number or boolean, not an array",
                "10: 'id' must be a string, not a number",
                "10: field 'id' is given twice",
                "10: missing id",
                "10: missing plan (only a team member may leave it empty)",
                "10: missing activation",
                "13: bad JSON at column 11: expected ',' or '}'",
                "14: bad JSON at column 10: unknown escape '\\q'"}));
}

TEST(ProvisioningFile, FormatByExtensionOrNamed) {
  expect_one_error(parse_provisioning("", "s.txt", ProvisioningFormat::kAuto, 0).errors, 0,
                   "cannot tell the format");
  EXPECT_TRUE(parse_provisioning("{\"id\":\"a\",\"team\":\"t\"}\n", "s.txt",
                                 ProvisioningFormat::kJsonLines, 0).errors.empty());
  EXPECT_TRUE(parse_provisioning("id,team\na,t\n", "s.CSV.csv", ProvisioningFormat::kAuto, 0)
                  .errors.empty());
  Engine engine(catalog(kCatalog));
  ProvisioningReport missing = apply_provisioning(engine, "/no/such/subscribers.csv");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].to_string(),
            "/no/such/subscribers.csv: error: cannot read: No such file or directory");
  EXPECT_FALSE(missing.applied);
}

TEST(ProvisioningFile, BadLastRowLeavesTheEngineUntouched) {
  Engine engine(catalog(kCatalog));
  // alice exists before: a file re-provisioning her must not change her either.
  ASSERT_TRUE(engine.provision(subscriber("alice", "token_starter", local(2026, 11, 1, 0, 0, kCst))));
  for (const std::string last : {"z,token_starter,2026-11-99,,,,,\n",   // a parse error
                                 "z,no_such_plan,2026-11-01,,,,,\n"}) {  // an engine refusal
    TempFile file("s.csv", kHeader +
                               "alice,smart_bundle,2026-11-02,,,e164:+8613800000001,,\n"
                               "bob,token_starter,2026-11-01,,,imsi:460001234567802,,\n" +
                               last);
    ProvisioningReport report = apply_provisioning(engine, file.path());
    EXPECT_FALSE(report.applied);
    expect_one_error(report.errors, 4, last[2] == 't' ? "bad activation" : "no_such_plan");
    EXPECT_EQ(engine.account_count(), 1u);
    EXPECT_EQ(owner(engine, "e164:8613800000001"), std::nullopt);
    EXPECT_EQ(owner(engine, "imsi:460001234567802"), std::nullopt);
    EXPECT_EQ(engine.balances("alice", local(2026, 11, 3, 0, 0, kCst))->fees_charged, 9'900'000);
  }
}

TEST(ProvisioningFile, EngineRefusalsAreMappedToTheirLines) {
  Engine engine(catalog(kCatalog));
  ProvisionSpec owner_spec = subscriber("owner", "token_starter", local(2026, 11, 1, 0, 0, kCst));
  owner_spec.identities = {Identity{IdentityType::kImsi, "460001234567000"}};
  ASSERT_TRUE(engine.provision(owner_spec));
  TempFile file("s.csv",
                kHeader +                                                        // 1
                    "# a team with 2 seats and 3 members\n"                      // 2
                    "t,team_pro,2026-11-01,1,,,,2\n"                             // 3
                    "m1,,,,t,e164:+8613900000001,,\n"                            // 4
                    "a,no_such_plan,2026-11-01,,,,,\n"                           // 5
                    "m2,,,,t,e164:+8613900000002,,\n"                            // 6
                    "b,token_starter,2026-11-01,,,e164:+8613900000001,,\n"       // 7
                    "c,token_starter,2026-11-01,,,imsi:460001234567000,,\n"      // 8
                    "d,token_starter,2026-11-01,,,,,not_a_number\n"              // 9
                    "m3,,,,t,,,\n"                                               // 10
                    "m4,,,,nobody,,,\n"                                          // 11
                    "a,token_starter,2026-11-01,,,,,\n");                        // 12
  ProvisioningReport report = apply_provisioning(engine, file.path());
  EXPECT_FALSE(report.applied);
  std::vector<std::string> got = errors_of(report.errors);
  std::vector<std::pair<size_t, std::string>> want = {
      {5, "unknown plan 'no_such_plan'"},
      {7, "account 'b': e164:8613900000001 is also given to account 'm1'"},
      {8, "account 'c': imsi:460001234567000 belongs to account 'owner'"},
      {9, "account 'd': "},
      {10, "team 't' has 2 seats and 3 members"},
      {11, "nobody"},
      {12, "id 'a' is given twice (first at " + file.path() + ":5)"},
  };
  ASSERT_EQ(got.size(), want.size()) << ::testing::PrintToString(got);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(report.errors[i].line, want[i].first) << got[i];
    EXPECT_NE(report.errors[i].reason.find(want[i].second), std::string::npos) << got[i];
  }
  EXPECT_EQ(engine.account_count(), 1u);
}

TEST(ProvisioningFile, ParseErrorsAndEngineRefusalsAreReportedInOneRun) {
  Engine engine(catalog(kCatalog));
  TempFile csv("a.csv", kHeader + "a,token_starter,2026-11-01,40,,,,\n"   // 2: parse error
                                  "b,no_such_plan,2026-11-01,,,,,\n"      // 3: engine refusal
                                  "c,token_starter,2026-11-01,,,,,\n");   // 4: good
  TempFile jsonl("b.jsonl", "{\"id\":\"c\",\"plan\":\"coding\",\"activation\":\"2026-11-01\"}\n"
                            "{\"id\":\"d\",\"plan\":\"nope\",\"activation\":\"2026-11-01\"}\n");
  ProvisioningReport report =
      apply_provisioning(engine, std::vector<std::string>{csv.path(), jsonl.path()});
  EXPECT_FALSE(report.applied);
  std::vector<std::string> places;
  for (const auto& e : report.errors) places.push_back(e.to_string().substr(0, e.to_string().find(": error")));
  EXPECT_EQ(places, (std::vector<std::string>{csv.path() + ":2", csv.path() + ":3",
                                              jsonl.path() + ":1", jsonl.path() + ":2"}));
  EXPECT_EQ(engine.account_count(), 0u);
  // check_provisioning reports the same on its scratch engine.
  ProvisioningReport checked =
      check_provisioning(catalog(kCatalog), std::vector<std::string>{csv.path(), jsonl.path()});
  EXPECT_EQ(errors_of(checked.errors), errors_of(report.errors));
}

// Untrusted input: every truncation and random byte changes of the example files parse without
// a crash, each row is a spec or errors, and every error names a line of the text.
TEST(ProvisioningFile, DamagedFilesAreErrorsNeverCrashes) {
  std::mt19937 random(20261201);
  for (const char* name : {"subscribers.csv", "subscribers.jsonl"}) {
    std::ifstream in(example(name), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string original = buffer.str();
    auto check = [&](const std::string& text) {
      ParsedProvisioning p = parse_provisioning(text, name, ProvisioningFormat::kAuto, kCst);
      size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
      ASSERT_EQ(p.specs.size(), p.lines.size());
      for (const ProvisionSpec& spec : p.specs) ASSERT_FALSE(spec.id.empty());
      for (size_t line : p.lines) ASSERT_LE(line, lines);
      for (const ProvisioningError& e : p.errors) ASSERT_LE(e.line, lines) << e.reason;
    };
    for (size_t n = 0; n <= original.size(); ++n) check(original.substr(0, n));
    const char interesting[] = {'"', ',', '\n', '\r', '\\', '{', '}', '[', ':', ';', '#', '\0', '\xff'};
    for (int round = 0; round < 2000; ++round) {
      std::string text = original;
      for (int k = 0; k < 3; ++k) {
        size_t at = random() % text.size();
        text[at] = round % 2 == 0 ? interesting[random() % sizeof interesting]
                                  : static_cast<char>(random() % 256);
      }
      check(text);
    }
  }
}

TEST(ProvisioningFile, CheckTouchesNoEngine) {
  ProvisioningReport report = check_provisioning(catalog(kCatalog), {example("subscribers.csv")});
  EXPECT_TRUE(report.applied) << ::testing::PrintToString(errors_of(report.errors));
  EXPECT_EQ(report.counts.members, 3u);
}

}  // namespace
}  // namespace gyrate::engine
