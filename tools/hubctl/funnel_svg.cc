#include "tools/hubctl/funnel_svg.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "tools/hubctl/format.h"
#include "tools/hubctl/metrics_view.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

constexpr int kWidth = 720;
constexpr double kCenter = kWidth / 2.0;
constexpr double kWidestBar = 560;
constexpr double kMinBar = 2;  // a non-zero count stays visible
constexpr int kFirstBarTop = 80;
constexpr int kBarHeight = 40;
constexpr int kGap = 36;  // between bars, where the conversion label goes
constexpr int kBottomMargin = 24;

std::string Num(double v) { return absl::StrFormat("%.1f", v); }

std::string Text(double x, double y, const char* attrs,
                 const std::string& content) {
  return absl::StrCat("<text x=\"", Num(x), "\" y=\"", Num(y),
                      "\" text-anchor=\"middle\" ", attrs, ">",
                      EscapeForXml(content), "</text>\n");
}

std::vector<double> BarWidths(const hub::v1::Funnel& funnel) {
  int64_t most = 0;
  for (const auto& s : funnel.stages()) most = std::max(most, s.entries());
  std::vector<double> widths;
  for (const auto& s : funnel.stages()) {
    const double w = most > 0 && s.entries() > 0
                         ? static_cast<double>(s.entries()) / most * kWidestBar
                         : 0;
    widths.push_back(s.entries() > 0 ? std::max(w, kMinBar) : 0);
  }
  return widths;
}

std::string Title(const hub::v1::Funnel& funnel) {
  return absl::StrCat(
      funnel.side() == hub::v1::ACCOUNTS ? "Accounts" : "Persons", " funnel, ",
      PeriodText(funnel.period()));
}

std::string Subtitle(const hub::v1::Funnel& funnel) {
  return absl::StrCat(
      "Segment: ", funnel.segment().empty() ? "all" : funnel.segment(),
      "; conversion window ", funnel.conversion_window_days(), " days");
}

std::string ConversionLabel(const hub::v1::Rate& rate) {
  if (!rate.has_value()) return "\u2193 rate - (no entries)";
  return absl::StrCat("\u2193 ", RateText(rate), " converted (",
                      rate.numerator(), "/", rate.denominator(), ")");
}

// The trapezoid from the bottom of a bar `top_width` wide at `y` to the top
// of the next bar, `bottom_width` wide.
std::string Connector(double y, double top_width, double bottom_width) {
  const auto point = [](double x, double y) {
    return absl::StrCat(Num(x), ",", Num(y));
  };
  return absl::StrCat("<polygon points=\"", point(kCenter - top_width / 2, y),
                      " ", point(kCenter + top_width / 2, y), " ",
                      point(kCenter + bottom_width / 2, y + kGap), " ",
                      point(kCenter - bottom_width / 2, y + kGap),
                      "\" fill=\"#deebf7\"/>\n");
}

}  // namespace

std::string EscapeForXml(std::string_view s) {
  std::string text = EscapeForTerminal(s);
  return absl::StrReplaceAll(text, {{"&", "&amp;"},
                                    {"<", "&lt;"},
                                    {">", "&gt;"},
                                    {"\"", "&quot;"},
                                    {"'", "&apos;"},
                                    {"\xEF\xBF\xBE", "\\ufffe"},
                                    {"\xEF\xBF\xBF", "\\uffff"}});
}

std::string FunnelSvg(const hub::v1::Funnel& funnel) {
  const int n = funnel.stages_size();
  const int height =
      kFirstBarTop + n * kBarHeight + std::max(n - 1, 0) * kGap + kBottomMargin;
  const std::vector<double> widths = BarWidths(funnel);
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n",
      kWidth, height, kWidth, height);
  absl::StrAppend(
      &svg, "<title>", EscapeForXml(Title(funnel)), "</title>\n",
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
      Text(kCenter, 30, "font-size=\"18\" font-weight=\"bold\"", Title(funnel)),
      Text(kCenter, 54, "font-size=\"13\" fill=\"#555555\"", Subtitle(funnel)));
  for (int i = 0; i < n; ++i) {
    const hub::v1::FunnelStage& s = funnel.stages(i);
    const double top = kFirstBarTop + i * (kBarHeight + kGap);
    absl::StrAppend(
        &svg, "<rect x=\"", Num(kCenter - widths[i] / 2), "\" y=\"", Num(top),
        "\" width=\"", Num(widths[i]), "\" height=\"", kBarHeight,
        "\" rx=\"4\" fill=\"#9ecae1\" stroke=\"#3182bd\"/>\n",
        Text(kCenter, top + 25, "font-size=\"14\" fill=\"#08306b\"",
             absl::StrCat(StageName(s.stage()), ": ", s.entries())));
    if (i + 1 == n) continue;
    const double bottom = top + kBarHeight;
    absl::StrAppend(&svg, Connector(bottom, widths[i], widths[i + 1]));
    if (s.has_conversion_to_next()) {
      absl::StrAppend(
          &svg, Text(kCenter, bottom + 23, "font-size=\"12\" fill=\"#333333\"",
                     ConversionLabel(s.conversion_to_next())));
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace hubctl
