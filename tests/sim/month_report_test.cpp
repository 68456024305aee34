// The month's report: money in minor units from integer millionths, the effective price per
// million tokens, a CSV with a row per subscriber, and an SVG that is well-formed XML.
#include <gtest/gtest.h>

#include <cctype>
#include <sstream>
#include <vector>

#include "gyrate/sim/month_report.hpp"
#include "month_test_ocs.hpp"

namespace gyrate::sim {
namespace {

TEST(MonthReport, MoneyIsPrintedInMinorUnits) {
  EXPECT_EQ(format_money(12'345'678, "CNY"), "12.35 CNY");
  EXPECT_EQ(format_money(9'900'000, "CNY"), "9.90 CNY");
  EXPECT_EQ(format_money(5'000, "CNY"), "0.01 CNY");  // half a fen rounds away from zero
  EXPECT_EQ(format_money(-5'000, "CNY"), "-0.01 CNY");
  EXPECT_EQ(format_money(-4'999, "CNY"), "0.00 CNY");
  EXPECT_EQ(format_money(1'500'000, "JPY"), "2 JPY");
  EXPECT_EQ(format_money(1'234'500, "KWD"), "1.235 KWD");
  EXPECT_EQ(format_money(0, ""), "0.00");
}

TEST(MonthReport, PricePerMillionTokensIsIntegerArithmetic) {
  EXPECT_EQ(price_per_million_tokens(9'900'000, 3'000'000), 3'300'000);  // 9.90 for 3M: 3.30/M
  EXPECT_EQ(price_per_million_tokens(1, 3), 333'333);
  EXPECT_EQ(price_per_million_tokens(2, 3), 666'667);
  EXPECT_EQ(price_per_million_tokens(-2, 3), -666'667);
  // 9.2 million yuan for one token does not overflow.
  EXPECT_EQ(price_per_million_tokens(9'200'000'000'000, 1'000'000), 9'200'000'000'000);
  EXPECT_FALSE(price_per_million_tokens(100, 0));
}

// The fields of one CSV line (RFC 4180 quoting).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// A small XML well-formedness check: one root, every tag closed in order, attribute values
// quoted, only the five predefined entities, nothing after the root. Returns "" when well-formed.
std::string xml_problem(const std::string& x) {
  std::vector<std::string> open;
  size_t i = 0;
  bool root_seen = false;
  auto name_at = [&](size_t& j) {
    size_t from = j;
    while (j < x.size() && (std::isalnum(static_cast<unsigned char>(x[j])) || x[j] == '-' ||
                            x[j] == ':' || x[j] == '_')) {
      ++j;
    }
    return x.substr(from, j - from);
  };
  if (x.rfind("<?xml", 0) == 0) i = x.find("?>") + 2;
  while (i < x.size()) {
    if (x[i] != '<') {
      if (open.empty() && !std::isspace(static_cast<unsigned char>(x[i]))) {
        return "text outside the root at " + std::to_string(i);
      }
      if (x[i] == '&') {
        size_t semi = x.find(';', i);
        std::string entity = x.substr(i, semi - i + 1);
        if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
            entity != "&apos;") {
          return "bad entity " + entity;
        }
      }
      ++i;
      continue;
    }
    ++i;
    if (x[i] == '/') {
      ++i;
      std::string name = name_at(i);
      if (open.empty() || open.back() != name) return "</" + name + "> closes nothing open";
      open.pop_back();
      if (x[i] != '>') return "junk in </" + name + ">";
      ++i;
      continue;
    }
    if (open.empty() && root_seen) return "a second root element";
    std::string name = name_at(i);
    if (name.empty()) return "a tag without a name at " + std::to_string(i);
    root_seen = true;
    for (;;) {  // attributes
      while (std::isspace(static_cast<unsigned char>(x[i]))) ++i;
      if (x[i] == '/' && x[i + 1] == '>') {
        i += 2;
        break;
      }
      if (x[i] == '>') {
        ++i;
        open.push_back(name);
        break;
      }
      std::string attribute = name_at(i);
      if (attribute.empty() || x[i] != '=' || x[i + 1] != '"') {
        return "a bad attribute in <" + name + "> at " + std::to_string(i);
      }
      size_t end = x.find('"', i + 2);
      std::string value = x.substr(i + 2, end - i - 2);
      if (value.find('<') != std::string::npos) return "'<' in an attribute of <" + name + ">";
      i = end + 1;
    }
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  return root_seen ? "" : "no root element";
}

class MonthReportOf : public ::testing::Test {
 protected:
  void SetUp() override {
    population_ = test::test_population();
    test::provision(ocs_, population_);
    MonthOptions o = test::test_options(3, 2);
    o.bill_of = [](const std::string& account) -> std::optional<Bill> {
      if (account == "nobody") return std::nullopt;
      return Bill{2'500'000, 19'900'000, "CNY"};
    };
    auto r = run_month(ocs_.exchange(), population_, o);
    ASSERT_TRUE(r) << r.status().message();
    report_ = std::move(*r);
  }
  Population population_;
  test::ToyOcs ocs_;
  MonthReport report_;
};

TEST_F(MonthReportOf, TheCsvHasARowPerSubscriber) {
  std::istringstream in(month_csv(report_));
  std::string line;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) rows.push_back(csv_fields(line));
  ASSERT_EQ(rows.size(), report_.subscribers.size() + 1);
  const std::vector<std::string>& header = rows[0];
  EXPECT_EQ(header[0], "id");
  size_t tokens = 0, price = 0, total = 0;
  for (size_t c = 0; c < header.size(); ++c) {
    if (header[c] == "tokens_used") tokens = c;
    if (header[c] == "price_per_million_tokens") price = c;
    if (header[c] == "bill_total") total = c;
  }
  ASSERT_TRUE(tokens && price && total);
  for (size_t i = 1; i < rows.size(); ++i) {
    const SubscriberMonth& m = report_.subscribers[i - 1];
    ASSERT_EQ(rows[i].size(), header.size()) << i;
    EXPECT_EQ(rows[i][0], m.id);
    EXPECT_EQ(rows[i][tokens], std::to_string(m.usage.tokens_used));
    if (m.id == "nobody" || m.account != m.id) {  // no bill, or the team's
      EXPECT_EQ(rows[i][total], "") << m.id;
    } else {
      EXPECT_EQ(rows[i][total], "22400000") << m.id;
    }
  }
  // t1's effective price: 22.40 CNY over its tokens.
  auto t1 = price_per_million_tokens(22'400'000, report_.subscribers[0].usage.tokens_used);
  ASSERT_TRUE(t1);
  EXPECT_EQ(rows[1][price], format_money(*t1, ""));
}

TEST_F(MonthReportOf, TheSvgIsWellFormedXml) {
  std::string svg = month_svg(report_);
  EXPECT_EQ(xml_problem(svg), "");
  EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  for (const PlanMonth& p : report_.plans) {  // a legend entry per plan
    EXPECT_NE(svg.find(">" + p.plan + " ("), std::string::npos) << p.plan;
  }
  EXPECT_NE(svg.find("denials on day"), std::string::npos);  // the tight plan's markers
  EXPECT_NE(svg.find(">surf: data<"), std::string::npos);      // surfers used data
  EXPECT_NE(svg.find(">tight: tokens<"), std::string::npos);
  EXPECT_NE(svg.find("final-unit indications on day"), std::string::npos);
  // The checker itself catches what it is there for.
  EXPECT_NE(xml_problem("<svg><g></svg>"), "");
  EXPECT_NE(xml_problem("<svg a=b/>"), "");
  EXPECT_NE(xml_problem("<svg>&nbsp;</svg>"), "");
}

TEST_F(MonthReportOf, TheTextTableHasEveryPlanAndTheTotal) {
  std::string text = month_text(report_, true);
  for (const PlanMonth& p : report_.plans) EXPECT_NE(text.find("\n" + p.plan + " "), std::string::npos);
  EXPECT_NE(text.find("\ntotal "), std::string::npos);
  EXPECT_NE(text.find("4012:"), std::string::npos);
  EXPECT_NE(text.find("terminate:"), std::string::npos);
  EXPECT_NE(text.find("CCRs by Result-Code: 2001:"), std::string::npos);
  EXPECT_NE(text.find("\nt1 "), std::string::npos);
  EXPECT_EQ(month_text(report_, false).find("\nt1 "), std::string::npos);
  std::string json = month_json(report_);
  EXPECT_NE(json.find("\"plan\": \"tight\""), std::string::npos);
}

}  // namespace
}  // namespace gyrate::sim
