// The scenario parser: one statement per line, words separated by blanks, `#` comments, "quoted"
// strings. It builds Steps and reports what does not parse as Diagnostics with the word's range;
// names are resolved later, against the tariff, by the runner.
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/literal.hpp"
#include "gyrate/scenario/scenario.hpp"

namespace gyrate::scenario {
namespace {

using lang::SourceRange;

struct Token {
  std::string text;
  SourceRange range;
  bool quoted = false;
};

// Thrown inside one line's parse only; parse() turns it into a Diagnostic and goes on with the
// next line. Never crosses the component's boundary.
struct LineError {
  const char* code;
  SourceRange range;
  std::string message;
};

std::vector<Token> tokenize(std::string_view line, uint32_t base) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '#') break;
    Token t;
    size_t start = i;
    if (c == '"') {
      t.quoted = true;
      ++i;
      while (i < line.size() && line[i] != '"') t.text += line[i++];
      if (i >= line.size()) {
        throw LineError{kSyntaxCode, {base + static_cast<uint32_t>(start), base + static_cast<uint32_t>(i)},
                        "unterminated string"};
      }
      ++i;
    } else {
      // A word may hold a quoted part with blanks in it: note="two words".
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
             line[i] != '#') {
        if (line[i] != '"') {
          t.text += line[i++];
          continue;
        }
        size_t close = line.find('"', i + 1);
        if (close == std::string_view::npos) {
          throw LineError{kSyntaxCode,
                          {base + static_cast<uint32_t>(i), base + static_cast<uint32_t>(line.size())},
                          "unterminated string"};
        }
        t.text += line.substr(i + 1, close - i - 1);
        i = close + 1;
      }
    }
    t.range = {base + static_cast<uint32_t>(start), base + static_cast<uint32_t>(i)};
    out.push_back(std::move(t));
  }
  return out;
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Words that open an expectation about the last answer; a subscriber may not be called so.
const std::vector<std::pair<std::string_view, ExpectKind>>& answer_words() {
  static const std::vector<std::pair<std::string_view, ExpectKind>> words = {
      {"grant", ExpectKind::kGrant},         {"outcome", ExpectKind::kOutcome},
      {"result", ExpectKind::kResult},       {"final", ExpectKind::kFinal},
      {"fui", ExpectKind::kFui},
      {"validity", ExpectKind::kValidity},   {"threshold", ExpectKind::kThreshold},
      {"limiter", ExpectKind::kLimiter},
      {"charged", ExpectKind::kCharged},     {"committed", ExpectKind::kCommitted},
      {"overrun", ExpectKind::kOverrun},     {"released", ExpectKind::kReleased},
      {"error", ExpectKind::kError},
  };
  return words;
}

const std::vector<std::pair<std::string_view, ExpectKind>>& service_words() {
  static const std::vector<std::pair<std::string_view, ExpectKind>> words = {
      {"remaining", ExpectKind::kRemaining},   {"used", ExpectKind::kUsed},
      {"reserved", ExpectKind::kReserved},     {"allowance", ExpectKind::kAllowance},
      {"member_used", ExpectKind::kMemberUsed}, {"cap_room", ExpectKind::kCapRoom},
      {"bucket", ExpectKind::kBucket},
  };
  return words;
}

const std::vector<std::pair<std::string_view, ExpectKind>>& money_words() {
  static const std::vector<std::pair<std::string_view, ExpectKind>> words = {
      {"spend", ExpectKind::kSpend}, {"fee", ExpectKind::kFee},
      {"fees", ExpectKind::kFees},   {"bill", ExpectKind::kBill},
  };
  return words;
}

template <typename Words>
const ExpectKind* lookup(const Words& words, std::string_view w) {
  for (const auto& [name, kind] : words) {
    if (name == w) return &kind;
  }
  return nullptr;
}

// Words that follow a quantity in a statement: never read as its unit.
bool option_word(std::string_view w) {
  return w == "model" || w == "session" || w == "number" || w == "until" || w == "order";
}

bool reserved_word(std::string_view w) {
  static const std::vector<std::string_view> keywords = {
      "tariff", "subscriber", "member", "at", "publish", "expect"};
  for (auto k : keywords) {
    if (k == w) return true;
  }
  return lookup(answer_words(), w) != nullptr;
}

class LineParser {
 public:
  explicit LineParser(std::vector<Token> tokens, SourceRange line_end)
      : tokens_(std::move(tokens)), end_(line_end) {}

  bool done() const { return pos_ >= tokens_.size(); }
  const Token* peek(size_t ahead = 0) const {
    return pos_ + ahead < tokens_.size() ? &tokens_[pos_ + ahead] : nullptr;
  }
  SourceRange here() const { return done() ? end_ : tokens_[pos_].range; }

  [[noreturn]] void fail(const char* what) const {
    if (done()) throw LineError{kSyntaxCode, end_, std::string("expected ") + what + " here"};
    throw LineError{kSyntaxCode, here(),
                    std::string("expected ") + what + ", found `" + tokens_[pos_].text + "`"};
  }

  const Token& take(const char* what) {
    if (done()) fail(what);
    return tokens_[pos_++];
  }
  bool accept(std::string_view word) {
    if (!done() && !tokens_[pos_].quoted && tokens_[pos_].text == word) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string name(const char* what) {
    const Token& t = take(what);
    if (t.quoted || t.text.empty() || is_digit(t.text[0])) {
      --pos_;
      fail(what);
    }
    return t.text;
  }
  // `options` names what else the statement takes, for the message.
  void finish(const char* options = nullptr) {
    if (done()) return;
    if (options == nullptr) fail("the end of the line");
    fail((std::string(options) + " or the end of the line").c_str());
  }

  // A whole number token (request numbers, billing days, Result-Codes).
  int64_t integer(const char* what, int64_t low, int64_t high) {
    const Token& t = take(what);
    int64_t v = 0;
    bool ok = !t.text.empty() && t.text.size() <= 12;
    for (char c : t.text) {
      if (!is_digit(c)) ok = false;
      v = v * 10 + (c - '0');
    }
    if (!ok || v < low || v > high) {
      --pos_;
      throw LineError{kSyntaxCode, t.range,
                      std::string("expected ") + what + " (" + std::to_string(low) + ".." +
                          std::to_string(high) + "), found `" + t.text + "`"};
    }
    return v;
  }

  // A number, or a negative one (a balance below zero; a request the engine must refuse).
  bool at_number() const {
    if (done() || peek()->quoted) return false;
    const std::string& t = peek()->text;
    return is_digit(t[0]) || (t.size() > 1 && t[0] == '-' && is_digit(t[1]));
  }

  // NUMBER [UNIT] or NUMBERUNIT ("400k token", "5 GiB", "1200 requests", "5GiB", "80%" when
  // percent_ok: *ratio gets the millionths).
  Quantity quantity(const char* what, int64_t* ratio = nullptr) {
    if (!at_number()) fail(what);
    const Token& t = take(what);
    const bool negative = t.text[0] == '-';
    const std::string_view body = std::string_view(t.text).substr(negative ? 1 : 0);
    size_t n = lang::literal::scan_number(body);
    auto parsed = lang::literal::parse_number(body.substr(0, n));
    if (parsed.error != lang::literal::NumberError::kNone) {
      throw LineError{kSyntaxCode, t.range, "`" + t.text + "` is not a number"};
    }
    Quantity q;
    q.range = t.range;
    std::string unit_text(body.substr(n));
    SourceRange unit_range = t.range;
    if (parsed.number.percent) {
      if (ratio == nullptr || !unit_text.empty() || negative) {
        throw LineError{kUnitCode, t.range, "a percentage is not a quantity here"};
      }
      auto fixed = lang::literal::to_fixed(parsed.number, lang::kFixedScale);
      if (fixed.error != lang::literal::FixedError::kNone) {
        throw LineError{kUnitCode, t.range, "`" + t.text + "` is not an exact percentage"};
      }
      *ratio = fixed.value;
      return q;
    }
    if (unit_text.empty() && !done() && !peek()->quoted && !option_word(peek()->text) &&
        std::isalpha(static_cast<unsigned char>(peek()->text[0]))) {
      unit_text = peek()->text;  // a unit word; an unknown one is reported below
      unit_range = peek()->range;
      q.range.end = unit_range.end;
      ++pos_;
    }
    int64_t scale = 1;
    if (!unit_text.empty()) {
      const lang::literal::UnitInfo* unit = lang::literal::find_unit(unit_text);
      if (unit == nullptr) {
        std::vector<std::string> names;
        for (const auto& u : lang::literal::all_units()) names.emplace_back(u.name);
        std::string hint = lang::closest_match(unit_text, names);
        throw LineError{kUnitCode, unit_range,
                        "unknown unit `" + unit_text + "`" +
                            (hint.empty() ? "" : ": did you mean `" + hint + "`?")};
      }
      q.dim = unit->dim;
      scale = unit->base_per_unit;
    }
    auto fixed = lang::literal::to_fixed(parsed.number, scale);
    if (fixed.error != lang::literal::FixedError::kNone) {
      throw LineError{kUnitCode, q.range,
                      "`" + t.text + "` is not a whole number of base units or is too large"};
    }
    q.amount = negative ? -fixed.value : fixed.value;
    return q;
  }

  // NUMBER CURRENCY ("19.90 CNY").
  Money money(const char* what) {
    if (!at_number()) fail(what);
    const Token& t = take(what);
    auto parsed = lang::literal::parse_number(t.text);
    if (parsed.error != lang::literal::NumberError::kNone || parsed.number.percent) {
      throw LineError{kSyntaxCode, t.range, "`" + t.text + "` is not an amount of money"};
    }
    auto fixed = lang::literal::to_fixed(parsed.number, lang::kFixedScale);
    if (fixed.error != lang::literal::FixedError::kNone) {
      throw LineError{kUnitCode, t.range, "`" + t.text + "` has more than 6 decimals or is too large"};
    }
    Money m;
    m.micros = fixed.value;
    m.decimals = parsed.number.exponent < 0 ? -parsed.number.exponent : 0;
    m.range = t.range;
    m.currency = name("a currency (as the tariff's `currency`)");
    m.range.end = tokens_[pos_ - 1].range.end;
    return m;
  }

  // DATE [HH:MM[:SS]] or +N UNIT / +NUNIT (d, h, min, s, w, and the tariff's duration units).
  TimeSpec time(const char* what) {
    const Token& t = take(what);
    TimeSpec spec;
    if (!t.quoted && !t.text.empty() && t.text[0] == '+') {
      spec.relative = true;
      std::string body = t.text.substr(1);
      size_t n = 0;
      while (n < body.size() && is_digit(body[n])) ++n;
      std::string unit = body.substr(n);
      SourceRange range = t.range;
      if (unit.empty() && !done()) {
        unit = peek()->text;
        range.end = peek()->range.end;
        ++pos_;
      }
      int64_t seconds = 0;
      if (unit == "d") {
        seconds = 86'400;
      } else if (unit == "w") {
        seconds = 7 * 86'400;
      } else if (const auto* u = lang::literal::find_unit(unit);
                 u != nullptr && u->dim == lang::Dim::kSecond) {
        seconds = u->base_per_unit;
      }
      if (n == 0 || n > 9 || seconds == 0) {
        throw LineError{kTimeCode, range,
                        "`" + t.text + "` is not a duration: write +1d, +2h, +30min, +45s or +1w"};
      }
      spec.offset = std::stoll(body.substr(0, n)) * seconds;
      return spec;
    }
    auto date = lang::calendar::parse_date(t.text);
    if (t.quoted || !date) {
      throw LineError{kTimeCode, t.range,
                      "`" + t.text + "` is not a date (YYYY-MM-DD) or a duration (+1d)"};
    }
    spec.local_day = lang::calendar::days_from_civil(*date);
    if (!done() && !peek()->quoted && peek()->text.size() >= 5 && peek()->text[2] == ':') {
      const Token& clock = take("a time");
      std::string_view text = clock.text;
      auto minutes = lang::literal::parse_time_of_day(text.substr(0, 5));
      int64_t seconds = 0;
      bool ok = minutes.has_value();
      if (ok && text.size() > 5) {
        ok = text.size() == 8 && text[5] == ':' && is_digit(text[6]) && is_digit(text[7]) &&
             (text[6] - '0') * 10 + (text[7] - '0') <= 59;
        if (ok) seconds = (text[6] - '0') * 10 + (text[7] - '0');
      }
      if (!ok) {
        throw LineError{kTimeCode, clock.range,
                        "`" + clock.text + "` is not a time of day (HH:MM or HH:MM:SS)"};
      }
      spec.local_second = *minutes * 60 + seconds;
    }
    return spec;
  }

  std::string path(const char* what) { return take(what).text; }

 private:
  std::vector<Token> tokens_;
  SourceRange end_;
  size_t pos_ = 0;
};

void parse_session_options(LineParser& p, Step& s, bool model_ok) {
  for (;;) {
    if (model_ok && p.accept("model")) {
      s.model = p.name("a model name");
    } else if (p.accept("session")) {
      s.session = p.take("a session name").text;
    } else if (p.accept("number")) {
      s.number = static_cast<uint32_t>(p.integer("a request number", 0, 4'294'967'295));
    } else {
      return;
    }
  }
}

void parse_subscriber(LineParser& p, Step& s) {
  s.kind = StepKind::kSubscriber;
  s.subject = p.name("a subscriber id");
  if (reserved_word(s.subject)) {
    throw LineError{kSyntaxCode, s.range, "`" + s.subject + "` is a keyword, not a subscriber id"};
  }
  bool has_plan = false;
  while (!p.done()) {
    if (p.accept("plan")) {
      s.plan = p.name("a plan name");
      has_plan = true;
    } else if (p.accept("activation")) {
      s.time = p.time("an activation date");
    } else if (p.accept("billing_day")) {
      s.billing_day = static_cast<int>(p.integer("a billing day", 1, 31));
    } else {
      const Token& t = p.take("an attribute NAME=VALUE");
      auto eq = t.text.find('=');
      if (t.quoted || eq == std::string::npos || eq == 0) {
        throw LineError{kSyntaxCode, t.range,
                        "expected plan, activation, billing_day or an attribute NAME=VALUE, found `" +
                            t.text + "`"};
      }
      s.attributes.emplace_back(t.text.substr(0, eq), t.text.substr(eq + 1));
    }
  }
  if (!has_plan) p.fail("`plan NAME`");
}

void parse_expect(LineParser& p, Step& s) {
  s.kind = StepKind::kExpect;
  Expectation& e = s.expect;
  const Token& first = p.take("what to expect");
  if (const ExpectKind* kind = lookup(answer_words(), first.text); kind && !first.quoted) {
    e.kind = *kind;
    switch (e.kind) {
      case ExpectKind::kGrant:
      case ExpectKind::kCommitted:
      case ExpectKind::kOverrun:
      case ExpectKind::kReleased:
        e.quantity = p.quantity("a quantity");
        break;
      case ExpectKind::kFui:
        if (p.accept("yes")) {
          e.word = "yes";
        } else if (p.accept("no")) {
          e.word = "no";
        } else {
          p.fail("yes or no");
        }
        break;
      case ExpectKind::kThreshold:
        if (p.accept("none")) {
          e.none = true;
        } else {
          e.quantity = p.quantity("a quantity or none");
        }
        break;
      case ExpectKind::kOutcome:
        e.word = p.name("an outcome (granted, exhausted, not_eligible, ...)");
        break;
      case ExpectKind::kLimiter:
        e.word = p.name("a limiter (balance, window, usage_cap, ...)");
        break;
      case ExpectKind::kResult:
        e.number = p.integer("a Result-Code", 1000, 9999);
        break;
      case ExpectKind::kFinal:
        e.word = p.name("a final action (terminate, redirect, restrict, block, none)");
        if (!p.done()) {
          e.argument = p.take("the action's argument").text;
          e.has_argument = true;
        }
        break;
      case ExpectKind::kValidity:
        if (p.accept("none")) {
          e.number = -1;
        } else {
          Quantity q = p.quantity("a duration (30 min, 1 h) or none");
          if (q.dim != lang::Dim::kSecond) {
            throw LineError{kUnitCode, q.range, "a validity is a duration: 30 min, 1 h, 90 s"};
          }
          e.number = q.amount;
        }
        break;
      case ExpectKind::kCharged:
        e.money = p.money("an amount of money");
        break;
      case ExpectKind::kError:
        e.word = p.take("the text the error contains").text;
        break;
      default:
        break;
    }
    p.finish();
    return;
  }
  // expect SUBSCRIBER ...
  if (first.quoted) p.fail("what to expect");
  e.subject = first.text;
  if (p.accept("no")) {
    if (!p.accept("notifications")) p.fail("`notifications`");
    e.kind = ExpectKind::kNoNotifications;
  } else if (p.accept("notified")) {
    e.kind = ExpectKind::kNotified;
    e.service = p.name("a service");
    e.quantity = p.quantity("a threshold (80%, or an amount)", &e.ratio);
  } else if (const Token* t = p.peek(); t && lookup(money_words(), t->text)) {
    e.kind = *lookup(money_words(), p.take("spend").text);
    e.money = p.money("an amount of money");
  } else {
    e.service = p.name("a service, spend, fee, fees, bill, notified or no notifications");
    const Token& what = p.take("remaining, used, reserved, allowance, member_used, cap_room or bucket");
    const ExpectKind* kind = lookup(service_words(), what.text);
    if (kind == nullptr || what.quoted) {
      throw LineError{kSyntaxCode, what.range,
                      "expected remaining, used, reserved, allowance, member_used, cap_room or "
                      "bucket, found `" + what.text + "`"};
    }
    e.kind = *kind;
    if (e.kind == ExpectKind::kBucket) e.word = p.name("a bucket (its offer or origin)");
    e.quantity = p.quantity("a quantity");
    if (e.kind == ExpectKind::kBucket && p.accept("until")) e.until = p.time("a date");
  }
  p.finish();
}

void parse_statement(LineParser& p, Step& s) {
  if (p.accept("tariff")) {
    s.kind = StepKind::kTariff;
    s.path = p.path("the tariff's path");
  } else if (p.accept("publish")) {
    s.kind = StepKind::kPublish;
    s.path = p.path("a tariff's path");
  } else if (p.accept("at")) {
    s.kind = StepKind::kAt;
    s.time = p.time("a date or +duration");
  } else if (p.accept("subscriber")) {
    parse_subscriber(p, s);
    return;
  } else if (p.accept("member")) {
    s.kind = StepKind::kMember;
    s.subject = p.name("a member id");
    if (!p.accept("team")) p.fail("`team TEAM`");
    s.team = p.name("a team id");
  } else if (p.accept("expect")) {
    parse_expect(p, s);
    return;
  } else {
    s.subject = p.name("a statement (tariff, subscriber, member, at, publish, expect) or a "
                       "subscriber id");
    if (p.accept("reserve")) {
      s.kind = StepKind::kReserve;
      s.service = p.name("a service");
      if (p.at_number()) s.quantity = p.quantity("the requested quantity");
      parse_session_options(p, s, true);
      p.finish("`model M`, `session S`, `number N`");
      return;
    } else if (p.accept("commit")) {
      s.kind = StepKind::kCommit;
      s.service = p.name("a service");
      s.quantity = p.quantity("the used quantity");
      parse_session_options(p, s, false);
      p.finish("`session S`, `number N`");
      return;
    } else if (p.accept("release")) {
      s.kind = StepKind::kRelease;
      parse_session_options(p, s, false);
      p.finish("`session S`, `number N`");
      return;
    } else if (p.accept("buy")) {
      s.kind = StepKind::kBuy;
      s.pack = p.name("a pack name");
      if (p.accept("order")) s.order = p.take("an order id").text;
    } else {
      p.fail("reserve, commit, release or buy");
    }
  }
  p.finish();
}

}  // namespace

ParseResult parse(const lang::SourceFile& file) {
  ParseResult result;
  Scenario scenario;
  const std::string& text = file.text();
  uint32_t line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t stop = text.find('\n', start);
    if (stop == std::string::npos) stop = text.size();
    ++line_number;
    std::string_view line(text.data() + start, stop - start);
    const auto base = static_cast<uint32_t>(start);
    try {
      std::vector<Token> tokens = tokenize(line, base);
      if (!tokens.empty()) {
        Step step;
        step.line = line_number;
        step.range = {tokens.front().range.begin, tokens.back().range.end};
        step.text = std::string(text.substr(step.range.begin, step.range.end - step.range.begin));
        uint32_t end = base + static_cast<uint32_t>(line.size());
        if (!line.empty() && line.back() == '\r') --end;
        LineParser p(std::move(tokens), {end, end});
        parse_statement(p, step);
        scenario.steps.push_back(std::move(step));
      }
    } catch (const LineError& e) {
      lang::Diagnostic d;
      d.code = e.code;
      d.range = e.range;
      d.message = e.message;
      result.diagnostics.add(std::move(d));
    }
    if (stop == text.size()) break;
    start = stop + 1;
  }
  if (!result.diagnostics.has_errors()) result.scenario = std::move(scenario);
  return result;
}

}  // namespace gyrate::scenario
