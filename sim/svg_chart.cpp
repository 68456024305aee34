// The month's SVG chart, written by hand (no dependency): an overview of cumulative tokens per
// plan, then one small panel per plan and unit (tokens, requests, data) with its own scale:
// cumulative used (solid) and granted (dashed), and the days with denials (x) and final-unit
// indications (triangle) marked on its time axis. See month_report.hpp.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/sim/month_report.hpp"

namespace gyrate::sim {
namespace {

constexpr double kWidth = 980;
constexpr double kOverviewHeight = 330;
constexpr int kColumns = 3;
constexpr double kCellHeight = 230;
constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
                                   "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#d62728"};
constexpr const char* kDenialColor = "#d62728";
constexpr const char* kFinalColor = "#ff9900";

using Unit = UnitKind;

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A round step (1, 2 or 5 times a power of ten) giving about `ticks` ticks up to `max`.
double nice_step(double max, int ticks) {
  double raw = max / ticks;
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (raw <= m * power) return m * power;
  }
  return 10 * power;
}

// 2500000 -> "2.5M" (tokens and requests, powers of 1000) or "2.4 MiB" (bytes, powers of 1024).
std::string axis_label(double v, Unit unit) {
  static const char* kSi[] = {"", "k", "M", "G", "T"};
  static const char* kBin[] = {" B", " KiB", " MiB", " GiB", " TiB"};
  bool bytes = unit == Unit::kBytes;
  double base = bytes ? 1024 : 1000;
  int i = 0;
  while (v >= base && i < 4) {
    v /= base;
    ++i;
  }
  char text[32];
  std::snprintf(text, sizeof text, v == std::floor(v) ? "%.0f%s" : "%.1f%s", v,
                bytes ? kBin[i] : kSi[i]);
  return text;
}

const char* unit_name(Unit u) {
  return u == Unit::kTokens ? "tokens" : u == Unit::kRequests ? "requests" : "data";
}

std::vector<double> cumulative(const std::vector<uint64_t>& daily) {
  std::vector<double> out{0};
  double sum = 0;
  for (uint64_t v : daily) out.push_back(sum += static_cast<double>(v));
  return out;
}

const std::vector<uint64_t>& used_of(const DaySeries& d, Unit u) {
  return u == Unit::kTokens ? d.tokens_used : u == Unit::kRequests ? d.requests_used : d.bytes_used;
}
const std::vector<uint64_t>& granted_of(const DaySeries& d, Unit u) {
  return u == Unit::kTokens ? d.tokens_granted
                            : u == Unit::kRequests ? d.requests_granted : d.bytes_granted;
}

struct Series {
  std::vector<double> values;  // cumulative, days + 1 points
  const char* color;
  bool dashed;
};

struct Frame {
  double left, top, right, bottom;  // the plot area
};

class Chart {
 public:
  explicit Chart(const MonthReport& r) : r_(r) {
    auto start = lang::calendar::parse_date(r.start_date);
    first_day_ = start ? lang::calendar::days_from_civil(*start) : 0;
  }

  std::string svg() {
    struct Cell {
      size_t plan;
      Unit unit;
    };
    std::vector<Cell> cells;
    for (size_t i = 0; i < r_.plans.size(); ++i) {
      const Usage& u = r_.plans[i].usage;
      if (u.tokens_granted + u.tokens_used > 0) cells.push_back({i, Unit::kTokens});
      if (u.requests_granted + u.requests_used > 0) cells.push_back({i, Unit::kRequests});
      if (u.bytes_granted + u.bytes_used > 0) cells.push_back({i, Unit::kBytes});
      if (u.tokens_granted + u.tokens_used + u.requests_granted + u.requests_used +
              u.bytes_granted + u.bytes_used == 0) {
        cells.push_back({i, Unit::kTokens});  // nothing granted: its denials still show
      }
    }
    double rows = std::ceil(static_cast<double>(cells.size()) / kColumns);
    double grid_top = 40 + kOverviewHeight;
    double height = grid_top + rows * kCellHeight + 30;
    out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) +
           "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(kWidth) + " " +
           num(height) + "\" font-family=\"sans-serif\" font-size=\"11\">\n"
           "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    text(kWidth / 2, 24, "middle", "#000",
         "gyrate-sim month from " + r_.start_date + ", " + std::to_string(r_.days) +
             " days: cumulative units used (solid) and granted (dashed)",
         " font-size=\"16\"");
    overview({80, 70, kWidth - 220, 40 + kOverviewHeight - 50});
    key(grid_top + 4);
    double cell_width = kWidth / kColumns;
    for (size_t c = 0; c < cells.size(); ++c) {
      double x = cell_width * static_cast<double>(c % kColumns);
      double y = grid_top + 20 + kCellHeight * static_cast<double>(c / kColumns);
      small(cells[c].plan, cells[c].unit, {x + 62, y + 28, x + cell_width - 16,
                                           y + kCellHeight - 42});
    }
    text(16, height - 10, "start", "#555",
         "Seed " + std::to_string(r_.seed) + ". Each panel has its own scale. Dates are local, "
         "at the start of each day.");
    return out_ + "</svg>\n";
  }

 private:
  void text(double x, double y, const char* anchor, const char* color, const std::string& s,
            const std::string& extra = "") {
    out_ += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor +
            "\" fill=\"" + color + "\"" + extra + ">" + escape(s) + "</text>\n";
  }
  void line(double x1, double y1, double x2, double y2, const std::string& style) {
    out_ += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
            num(y2) + "\" " + style + "/>\n";
  }
  void cross(double x, double y, const std::string& title) {
    out_ += "<g stroke=\"" + std::string(kDenialColor) + "\" stroke-width=\"2\"><title>" +
            escape(title) + "</title>";
    out_ += "<line x1=\"" + num(x - 4) + "\" y1=\"" + num(y - 4) + "\" x2=\"" + num(x + 4) +
            "\" y2=\"" + num(y + 4) + "\"/><line x1=\"" + num(x - 4) + "\" y1=\"" + num(y + 4) +
            "\" x2=\"" + num(x + 4) + "\" y2=\"" + num(y - 4) + "\"/></g>\n";
  }
  void triangle(double x, double y, const std::string& title) {
    out_ += "<polygon points=\"" + num(x - 4) + "," + num(y + 3) + " " + num(x + 4) + "," +
            num(y + 3) + " " + num(x) + "," + num(y - 4) + "\" fill=\"" + kFinalColor +
            "\"><title>" + escape(title) + "</title></polygon>\n";
  }

  // Axes, grid and the series of one plot area; `label_every` days get a date.
  void plot(const Frame& f, const std::vector<Series>& series, Unit unit, int label_every,
            int y_ticks) {
    double max = 1;
    for (const Series& s : series) max = std::max(max, s.values.back());
    // Bytes step in round binary units (5 GiB, not 5.4 GiB), counts in round decimal ones.
    double scale = 1;
    while (unit == Unit::kBytes && max / scale >= 1024) scale *= 1024;
    double step = nice_step(max / scale, y_ticks) * scale;
    double top_value = std::ceil(max / step) * step;
    auto px = [&](double day) { return f.left + (f.right - f.left) * day / std::max(1, r_.days); };
    auto py = [&](double v) { return f.bottom - (f.bottom - f.top) * v / top_value; };
    for (double v = 0; v <= top_value + step / 2; v += step) {
      line(f.left, py(v), f.right, py(v), "stroke=\"#e8e8e8\"");
      text(f.left - 6, py(v) + 4, "end", "#333", axis_label(v, unit));
    }
    for (int d = 0; d <= r_.days; ++d) {
      bool labelled = d % label_every == 0;
      line(px(d), f.bottom, px(d), f.bottom + (labelled ? 5 : 2), "stroke=\"#333\"");
      if (!labelled) continue;
      lang::calendar::CivilDate c = lang::calendar::civil_from_days(first_day_ + d);
      char label[16];
      std::snprintf(label, sizeof label, "%02d-%02d", c.month, c.day);
      text(px(d), f.bottom + 17, "middle", "#333", label);
    }
    line(f.left, f.bottom, f.right, f.bottom, "stroke=\"#333\"");
    line(f.left, f.bottom, f.left, f.top, "stroke=\"#333\"");
    for (const Series& s : series) {
      std::string points;
      for (size_t d = 0; d < s.values.size(); ++d) {
        points += (d ? " " : "") + num(px(static_cast<double>(d))) + "," + num(py(s.values[d]));
      }
      out_ += "<polyline fill=\"none\" stroke=\"" + std::string(s.color) +
              "\" stroke-width=\"2\" points=\"" + points + "\"" +
              (s.dashed ? " stroke-dasharray=\"6 4\" stroke-opacity=\"0.7\"" : "") + "/>\n";
    }
  }

  // All plans' tokens on one scale, with the legend of plan colours.
  void overview(const Frame& f) {
    std::vector<Series> series;
    for (size_t i = 0; i < r_.plans.size(); ++i) {
      const char* color = kColors[i % std::size(kColors)];
      series.push_back({cumulative(r_.plans[i].daily.tokens_granted), color, true});
      series.push_back({cumulative(r_.plans[i].daily.tokens_used), color, false});
    }
    text((f.left + f.right) / 2, f.top - 12, "middle", "#000", "Tokens, all plans",
         " font-size=\"13\"");
    plot(f, series, Unit::kTokens, r_.days > 20 ? 5 : 1, 5);
    text(f.left - 62, (f.top + f.bottom) / 2, "middle", "#333", "tokens",
         " transform=\"rotate(-90 " + num(f.left - 62) + " " + num((f.top + f.bottom) / 2) + ")\"");
    for (size_t i = 0; i < r_.plans.size(); ++i) {
      double y = f.top + 18.0 * static_cast<double>(i);
      const char* color = kColors[i % std::size(kColors)];
      line(f.right + 16, y, f.right + 40, y,
           "stroke=\"" + std::string(color) + "\" stroke-width=\"3\"");
      text(f.right + 46, y + 4, "start", "#000",
           r_.plans[i].plan + " (" + std::to_string(r_.plans[i].subscribers) + ")");
    }
  }

  // The key to the small panels' lines and markers.
  void key(double y) {
    double x = 16;
    line(x, y + 10, x + 24, y + 10, "stroke=\"#333\" stroke-width=\"2\"");
    text(x + 30, y + 14, "start", "#333", "used");
    line(x + 80, y + 10, x + 104, y + 10,
         "stroke=\"#333\" stroke-width=\"2\" stroke-dasharray=\"6 4\"");
    text(x + 110, y + 14, "start", "#333", "granted");
    cross(x + 180, y + 10, "denials");
    text(x + 190, y + 14, "start", "#333", "a day with denials (4010, 4012, 5030, 5031)");
    triangle(x + 470, y + 10, "final units");
    text(x + 480, y + 14, "start", "#333", "a day with final-unit indications");
  }

  void small(size_t plan_index, Unit unit, const Frame& f) {
    const PlanMonth& p = r_.plans[plan_index];
    const char* color = kColors[plan_index % std::size(kColors)];
    text((f.left + f.right) / 2, f.top - 10, "middle", "#000",
         p.plan + ": " + unit_name(unit), " font-size=\"12\" font-weight=\"bold\"");
    plot(f, {{cumulative(granted_of(p.daily, unit)), color, true},
             {cumulative(used_of(p.daily, unit)), color, false}},
         unit, r_.days > 20 ? 10 : 5, 4);
    auto px = [&](double day) { return f.left + (f.right - f.left) * day / std::max(1, r_.days); };
    const std::vector<uint64_t>& denials = p.daily.denials_by_unit[static_cast<int>(unit)];
    const std::vector<uint64_t>& finals = p.daily.final_units_by_unit[static_cast<int>(unit)];
    for (size_t d = 0; d < denials.size(); ++d) {
      double x = px(static_cast<double>(d) + 0.5);
      if (denials[d] > 0) {
        cross(x, f.bottom - 6, p.plan + ": " + std::to_string(denials[d]) +
                                   " denials on day " + std::to_string(d + 1));
      }
      if (finals[d] > 0) {
        triangle(x, f.bottom - 16, p.plan + ": " + std::to_string(finals[d]) +
                                       " final-unit indications on day " + std::to_string(d + 1));
      }
    }
  }

  const MonthReport& r_;
  int64_t first_day_ = 0;
  std::string out_;
};

}  // namespace

std::string month_svg(const MonthReport& report) { return Chart(report).svg(); }

}  // namespace gyrate::sim
