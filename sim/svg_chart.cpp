// The month's SVG chart, written by hand (no dependency): one panel of cumulative tokens granted
// (dashed) and used (solid) per plan over the days played, one of data used when any was, and a
// marker on each day a plan saw denials. See month_report.hpp.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/sim/month_report.hpp"

namespace gyrate::sim {
namespace {

constexpr double kWidth = 980;
constexpr double kPanelHeight = 340;
constexpr double kLeft = 80, kRight = 220, kTop = 50, kBottom = 50;  // margins of a panel
constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
                                   "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#d62728"};

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

// A round step (1, 2 or 5 times a power of ten) giving about five ticks up to `max`.
double nice_step(double max) {
  double raw = max / 5;
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * power) return m * power;
  }
  return 10 * power;
}

// 2500000 -> "2.5M" (tokens, powers of 1000) or 2.5 GiB (bytes, powers of 1024).
std::string axis_label(double v, bool bytes) {
  static const char* kSi[] = {"", "k", "M", "G", "T"};
  static const char* kBin[] = {" B", " KiB", " MiB", " GiB", " TiB"};
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

std::vector<double> cumulative(const std::vector<uint64_t>& daily) {
  std::vector<double> out{0};
  double sum = 0;
  for (uint64_t v : daily) out.push_back(sum += static_cast<double>(v));
  return out;
}

class Chart {
 public:
  explicit Chart(const MonthReport& r) : r_(r) {
    auto start = lang::calendar::parse_date(r.start_date);
    first_day_ = start ? lang::calendar::days_from_civil(*start) : 0;
  }

  std::string svg() {
    bool data = r_.total.bytes_used > 0 || r_.total.bytes_granted > 0;
    double height = kPanelHeight * (data ? 2 : 1) + 30;
    out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) +
           "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(kWidth) + " " +
           num(height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n"
           "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    panel(0, "Tokens per plan, cumulative: used (solid) and granted (dashed)", false);
    if (data) panel(kPanelHeight, "Data per plan, cumulative: used (solid) and granted (dashed)",
                    true);
    text(kLeft, height - 10, "start", "#555",
         "gyrate-sim month from " + r_.start_date + ", " + std::to_string(r_.days) +
             " days, seed " + std::to_string(r_.seed) + "; x marks a day with denials");
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

  void panel(double top, const std::string& title, bool bytes) {
    double x0 = kLeft, x1 = kWidth - kRight, y0 = top + kPanelHeight - kBottom, y1 = top + kTop;
    double max = 1;
    for (const PlanMonth& p : r_.plans) {
      const auto& granted = bytes ? p.daily.bytes_granted : p.daily.tokens_granted;
      const auto& used = bytes ? p.daily.bytes_used : p.daily.tokens_used;
      max = std::max({max, cumulative(granted).back(), cumulative(used).back()});
    }
    double step = nice_step(max);
    double top_value = std::ceil(max / step) * step;
    auto px = [&](double day) { return x0 + (x1 - x0) * day / std::max(1, r_.days); };
    auto py = [&](double v) { return y0 - (y0 - y1) * v / top_value; };

    text((x0 + x1) / 2, top + 24, "middle", "#000", title, " font-size=\"15\"");
    for (double v = 0; v <= top_value + step / 2; v += step) {  // y grid and labels
      line(x0, py(v), x1, py(v), "stroke=\"#e5e5e5\"");
      text(x0 - 8, py(v) + 4, "end", "#333", axis_label(v, bytes));
    }
    int every = r_.days > 20 ? 5 : 1;
    for (int d = 0; d <= r_.days; ++d) {  // x ticks: the date at the start of day d
      line(px(d), y0, px(d), y0 + (d % every == 0 ? 6 : 3), "stroke=\"#333\"");
      if (d % every != 0 && d != r_.days) continue;
      lang::calendar::CivilDate c = lang::calendar::civil_from_days(first_day_ + d);
      char label[16];
      std::snprintf(label, sizeof label, "%02d-%02d", c.month, c.day);
      text(px(d), y0 + 20, "middle", "#333", label);
    }
    line(x0, y0, x1, y0, "stroke=\"#333\"");
    line(x0, y0, x0, y1, "stroke=\"#333\"");
    text(x0 - 60, (y0 + y1) / 2, "middle", "#333", bytes ? "data" : "tokens",
         " transform=\"rotate(-90 " + num(x0 - 60) + " " + num((y0 + y1) / 2) + ")\"");
    text((x0 + x1) / 2, y0 + 38, "middle", "#333", "date (local, start of day)");

    for (size_t i = 0; i < r_.plans.size(); ++i) {
      const PlanMonth& p = r_.plans[i];
      const char* color = kColors[i % std::size(kColors)];
      std::vector<double> granted = cumulative(bytes ? p.daily.bytes_granted
                                                     : p.daily.tokens_granted);
      std::vector<double> used = cumulative(bytes ? p.daily.bytes_used : p.daily.tokens_used);
      polyline(granted, px, py, color, " stroke-dasharray=\"6 4\"");
      polyline(used, px, py, color, "");
      for (size_t d = 0; d < p.daily.denials.size(); ++d) {  // denial markers on the used line
        if (p.daily.denials[d] == 0) continue;
        double cx = px(static_cast<double>(d) + 1), cy = py(used[d + 1]);
        out_ += "<g stroke=\"" + std::string(color) + "\" stroke-width=\"2\"><title>" +
                escape(p.plan) + ": " + std::to_string(p.daily.denials[d]) +
                " denials on day " + std::to_string(d + 1) + "</title>";
        out_ += "<line x1=\"" + num(cx - 4) + "\" y1=\"" + num(cy - 4) + "\" x2=\"" +
                num(cx + 4) + "\" y2=\"" + num(cy + 4) + "\"/><line x1=\"" + num(cx - 4) +
                "\" y1=\"" + num(cy + 4) + "\" x2=\"" + num(cx + 4) + "\" y2=\"" + num(cy - 4) +
                "\"/></g>\n";
      }
      double ly = y1 + 18.0 * static_cast<double>(i);  // legend
      line(x1 + 16, ly, x1 + 40, ly, "stroke=\"" + std::string(color) + "\" stroke-width=\"3\"");
      text(x1 + 46, ly + 4, "start", "#000",
           p.plan + " (" + std::to_string(p.subscribers) + ")");
    }
  }

  template <typename X, typename Y>
  void polyline(const std::vector<double>& values, X px, Y py, const char* color,
                const std::string& extra) {
    std::string points;
    for (size_t d = 0; d < values.size(); ++d) {
      points += (d ? " " : "") + num(px(static_cast<double>(d))) + "," + num(py(values[d]));
    }
    out_ += "<polyline fill=\"none\" stroke=\"" + std::string(color) +
            "\" stroke-width=\"2\" points=\"" + points + "\"" + extra + "/>\n";
  }

  const MonthReport& r_;
  int64_t first_day_ = 0;
  std::string out_;
};

}  // namespace

std::string month_svg(const MonthReport& report) { return Chart(report).svg(); }

}  // namespace gyrate::sim
