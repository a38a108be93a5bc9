#include "dialog/understanding/time_expressions.h"

#include <algorithm>
#include <optional>
#include <string_view>

namespace calfbot::dialog {

namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

LocalDate local_date(int64_t time_unix, int utc_offset_minutes) {
  const int64_t days =
      floor_div(time_unix + static_cast<int64_t>(utc_offset_minutes) * 60, kSecondsPerDay);
  // civil_from_days (H. Hinnant's algorithm).
  const int64_t z = days + 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  LocalDate d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = static_cast<int>(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
  d.weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  return d;
}

namespace text {

long days_from_civil(int year, int month, int day) {
  const long y = year - (month <= 2 ? 1 : 0);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

namespace {

constexpr std::string_view kWeekdays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"};
constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december"};
constexpr std::string_view kOnsetCues[] = {"since", "started", "start", "starts", "began",
                                           "begin", "begun",   "for",   "been",   "happened",
                                           "came",  "noticed", "first", "ago"};
// Words before an amount that make it no time since the onset: a rate ("every
// 2 days", "twice a day"), a length of something else ("lasting a minute"),
// or a day that cannot be named ("can't pin a day on it").
constexpr std::string_view kNotBefore[] = {"every", "each", "per",   "within", "lasting", "lasts",
                                           "in",    "next", "after", "takes",  "once",    "twice",
                                           "times", "pin",  "name",  "put"};
constexpr std::string_view kNotAfter[] = {"old", "older", "younger", "pregnant", "into"};
// Words that may follow a date given as an ordinal ("since the 3rd I have");
// any other word makes it a count ("the first time", "the second day").
constexpr std::string_view kAfterOrdinal[] = {"of",      "and", "but",   "when",  "i",      "it",
                                              "my",      "at",  "in",    "or",    "this",   "that",
                                              "so",      "the", "then",  "after", "before", "with",
                                              "because", "now", "maybe", "too",   "also",   "is"};

template <size_t N>
int index_in(const std::string_view (&list)[N], std::string_view w) {
  for (size_t i = 0; i < N; ++i) {
    if (list[i] == w) return static_cast<int>(i);
  }
  return -1;
}

std::optional<double> unit_days(std::string_view w) {
  if (w.size() > 1 && w.back() == 's') w.remove_suffix(1);
  if (w == "minute") return 1.0 / 1440;
  if (w == "hour") return 1.0 / 24;
  if (w == "day" || w == "night") return 1.0;
  if (w == "week") return 7.0;
  if (w == "fortnight") return 14.0;
  if (w == "month") return 30.0;
  if (w == "year") return 365.0;
  return std::nullopt;
}

bool is_plural_unit(std::string_view w) {
  return w == "days" || w == "weeks" || w == "months" || w == "years";
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

class Scanner {
 public:
  Scanner(const std::vector<Token>& t, const LocalDate& today)
      : t_(t), today_(today), today_days_(days_from_civil(today.year, today.month, today.day)) {}

  std::vector<TimeSpan> run() {
    std::vector<TimeSpan> out;
    size_t i = 0;
    while (i < t_.size()) {
      std::optional<TimeSpan> s = at(i);
      if (!s) {
        ++i;
        continue;
      }
      if (cue_before(s->begin)) s->onset_cue = 2;
      out.push_back(*s);
      i = s->end;
    }
    return out;
  }

 private:
  bool is(size_t i, std::string_view w) const { return i < t_.size() && t_[i].is(w); }
  std::string_view word(size_t i) const {
    return i < t_.size() ? std::string_view(t_[i].text) : std::string_view();
  }

  bool cue_before(size_t b) const {
    for (size_t k = 1; k <= 4 && k <= b; ++k) {
      const Token& p = t_[b - k];
      if (p.clause_end()) break;
      if (index_in(kOnsetCues, p.text) >= 0) return true;
    }
    return false;
  }

  TimeSpan span(double days, size_t b, size_t e, int cue = 0) const {
    TimeSpan s;
    s.days = days;
    s.begin = b;
    s.end = e;
    s.onset_cue = cue;
    return s;
  }

  long back_to_weekday(int wd) const {
    long d = (today_.weekday - wd + 7) % 7;
    return d == 0 ? 7 : d;
  }

  // Days back to a date; a date not yet reached is taken from the month or
  // year before.
  std::optional<double> back_to_date(int day, int month) const {
    int year = today_.year;
    bool month_given = month > 0;
    if (!month_given) month = today_.month;
    if (day < 1 || day > 31) return std::nullopt;
    for (int tries = 0; tries < 3; ++tries) {
      if (day <= days_in_month(year, month)) {
        long diff = today_days_ - days_from_civil(year, month, day);
        if (diff >= 0) return static_cast<double>(diff);
      }
      if (month_given) {
        --year;
      } else if (--month == 0) {
        month = 12;
        --year;
      }
    }
    return std::nullopt;
  }

  // "a", "a couple of", "a few", "several", "half a", "3", "three", "2 or 3".
  std::optional<std::pair<double, size_t>> quantity(size_t i) const {
    size_t j = i;
    double v = 0;
    if (is(j, "a") || is(j, "an")) {
      ++j;
      if (is(j, "couple")) {
        v = 2, ++j;
      } else if (is(j, "few")) {
        v = 3, ++j;
      } else if (is(j, "half")) {
        v = 0.5, ++j;
      } else {
        v = 1;
      }
    } else if (is(j, "couple")) {
      v = 2, ++j;
    } else if (is(j, "few") || is(j, "several")) {
      v = 3, ++j;
    } else if (is(j, "half")) {
      v = 0.5, ++j;
      if (is(j, "a") || is(j, "an")) ++j;
    } else if (auto n = parse_number(t_, j); n && !n->ordinal && n->value > 0) {
      v = n->value;
      j += static_cast<size_t>(n->len);
      if ((is(j, "or") || is(j, "to")) && j + 1 < t_.size()) {
        if (auto m = parse_number(t_, j + 1); m && !m->ordinal && m->value > v) {
          v = (v + m->value) / 2;
          j += 1 + static_cast<size_t>(m->len);
        }
      }
    } else {
      return std::nullopt;
    }
    if (is(j, "ish")) ++j;  // "7ish months"
    if (is(j, "of")) ++j;
    if (is(j, "and") && is(j + 1, "a") && is(j + 2, "half")) v += 0.5, j += 3;
    return std::make_pair(v, j - i);
  }

  std::optional<TimeSpan> at(size_t i) const {
    const std::string_view w = word(i);
    if (t_[i].punct()) return std::nullopt;
    const std::string_view prev = i > 0 ? word(i - 1) : std::string_view();
    if (w == "yesterday") {
      if (i >= 2 && is(i - 1, "before") && is(i - 2, "day")) {
        return span(2, i - 2 - (i >= 3 && is(i - 3, "the") ? 1 : 0), i + 1);
      }
      return span(1, i, i + 1);
    }
    // "a 6 today", "it hurts tonight" say how it is now, not when it began.
    if ((w == "today" || w == "tonight") && (prev == "earlier" || cue_before(i))) {
      return span(w == "today" ? 0.2 : 0.05, prev == "earlier" ? i - 1 : i, i + 1);
    }
    if (w == "overnight") return span(1, i, i + 1);
    if (w == "just" && is(i + 1, "now")) return span(0.01, i, i + 2);
    if (w == "this") {
      if (is(i + 1, "morning")) return span(0.2, i, i + 2);
      if (is(i + 1, "afternoon")) return span(0.1, i, i + 2);
      if (is(i + 1, "evening")) return span(0.05, i, i + 2);
      if (is(i + 1, "week")) return span(std::max(1, (today_.weekday + 6) % 7), i, i + 2);
    }
    if (int wd = index_in(kWeekdays, w); wd >= 0) {
      if (prev == "next" || prev == "every" || (prev == "on" && i >= 2 && is(i - 2, "every"))) {
        return std::nullopt;
      }
      size_t b = (prev == "last" || prev == "since") ? i - 1 : i;
      return span(static_cast<double>(back_to_weekday(wd)), b, i + 1, prev == "since" ? 2 : 0);
    }
    if (w == "last" || w == "past" || w == "previous") {
      if (is(i + 1, "night")) return span(1, i, i + 2);
      // "for the last hour"
      if (auto u = unit_days(word(i + 1));
          u && *u < 1 && i >= 2 && is(i - 1, "the") && (is(i - 2, "for") || is(i - 2, "over"))) {
        return span(*u, i - 2, i + 2, 2);
      }
      if (is(i + 1, "weekend")) return span(static_cast<double>(back_to_weekday(6)), i, i + 2);
      if (auto u = unit_days(word(i + 1)); u && *u >= 1) return span(*u, i, i + 2);
    }
    if (w == "weekend" && (prev == "the" || prev == "this")) {
      return span(static_cast<double>(back_to_weekday(6)), i - 1, i + 1);
    }
    if (auto d = date_at(i)) return d;
    if (auto d = named_day(i)) return d;
    if (auto d = season_at(i)) return d;
    if (is_plural_unit(w) && (prev == "for" || is(i + 1, "ago"))) {
      double days = w == "days" ? 3 : w == "weeks" ? 14 : w == "months" ? 60 : 730;
      bool ago = is(i + 1, "ago");
      return span(days, prev == "for" ? i - 1 : i, i + (ago ? 2 : 1), prev == "for" ? 2 : 1);
    }
    if (w == "a" && is(i + 1, "fortnight")) return span(14, i, i + 2);
    return amount_at(i);
  }

  // "3 days", "a couple of weeks ago", "one and a half weeks", "a day or two".
  std::optional<TimeSpan> amount_at(size_t i) const {
    if (i > 0 && index_in(kNotBefore, word(i - 1)) >= 0) return std::nullopt;
    // "cramps last a few minutes": "last" as a verb, not "the last 3 days".
    if (i > 1 && word(i - 1) == "last") {
      const std::string_view p2 = word(i - 2);
      if (p2 != "the" && p2 != "for" && p2 != "in" && p2 != "over" && p2 != "past" &&
          p2 != "during" && p2 != "since" && !t_[i - 2].punct()) {
        return std::nullopt;
      }
    }
    // "a few", "a couple" are read at the "a".
    if (i > 0 && (word(i - 1) == "a" || word(i - 1) == "an") &&
        (word(i) == "few" || word(i) == "couple" || word(i) == "half")) {
      return std::nullopt;
    }
    auto q = quantity(i);
    if (!q) return std::nullopt;
    size_t u = i + q->second;
    auto unit = unit_days(word(u));
    if (!unit) return std::nullopt;
    double v = q->first;
    size_t e = u + 1;
    if (is(e, "and") && is(e + 1, "a") && is(e + 2, "half")) v += 0.5, e += 3;
    if (is(e, "or") && e + 1 < t_.size()) {
      if (auto m = parse_number(t_, e + 1); m && !m->ordinal && m->value > v && m->value <= 10) {
        v = (v + m->value) / 2;
        e += 1 + static_cast<size_t>(m->len);
      }
    }
    if (index_in(kNotAfter, word(e)) >= 0) return std::nullopt;
    if (is(e, "of") && is(e + 1, "age")) return std::nullopt;
    bool ago = is(e, "ago");
    if (ago) ++e;
    // "came on over a day or so" says how fast, not when; "for over a week",
    // ", over a month now" when.
    if (!ago && i > 1 && word(i - 1) == "over") {
      static constexpr std::string_view kManner[] = {"on",        "up",     "worse", "developed",
                                                     "gradually", "slowly", "crept", "built",
                                                     "grew",      "spread"};
      for (size_t k = 2; k <= 3 && k <= i; ++k) {
        if (index_in(kManner, word(i - k)) >= 0) return std::nullopt;
      }
    }
    if (*unit < 1 && !ago) {
      // Minutes and hours without "ago" usually measure an episode
      // ("walking for 10 minutes"), unless the onset is named.
      bool named = false;
      for (size_t k = 1; k <= 3 && k <= i; ++k) {
        std::string_view p = word(i - k);
        named |= p == "since" || p == "started" || p == "began";
        // "for the past 2 hours", not "in the last 10 minutes of the game".
        named |= (p == "past" || p == "last") && k + 2 <= i && word(i - k - 1) == "the" &&
                 (word(i - k - 2) == "for" || word(i - k - 2) == "over");
      }
      if (!named) return std::nullopt;
    }
    return span(v * *unit, i, e, ago ? 1 : 0);
  }

  // "since Halloween", "after Christmas", "on bonfire night": a day with a name.
  std::optional<TimeSpan> named_day(size_t i) const {
    struct Named {
      std::string_view first, second;
      int month, day;
    };
    static constexpr Named kNamed[] = {{"halloween", "", 10, 31},   {"christmas", "", 12, 25},
                                       {"xmas", "", 12, 25},        {"hogmanay", "", 12, 31},
                                       {"valentines", "", 2, 14},   {"boxing", "day", 12, 26},
                                       {"bonfire", "night", 11, 5}, {"guy", "fawkes", 11, 5},
                                       {"new", "year", 1, 1},       {"new", "years", 1, 1}};
    for (const Named& d : kNamed) {
      if (!is(i, d.first) || (!d.second.empty() && !is(i + 1, d.second))) continue;
      auto back = back_to_date(d.day, d.month);
      if (!back) return std::nullopt;
      return span(*back, i, i + (d.second.empty() ? 1 : 2));
    }
    return std::nullopt;
  }

  // "since the summer", "since last winter", "all through the autumn": back to
  // the season's first day, the longest it may mean (the safer side: a long
  // story is what makes lasting pain worth a visit).
  std::optional<TimeSpan> season_at(size_t i) const {
    struct Season {
      std::string_view word;
      int month;
    };
    static constexpr Season kSeasons[] = {
        {"spring", 3}, {"summer", 6}, {"autumn", 9}, {"fall", 9}, {"winter", 12}};
    for (const Season& season : kSeasons) {
      if (!is(i, season.word)) continue;
      size_t b = i;
      if (b > 0 && (is(b - 1, "the") || is(b - 1, "last"))) --b;
      if (b == 0 || !(is(b - 1, "since") || is(b - 1, "through"))) return std::nullopt;
      auto back = back_to_date(1, season.month);
      if (!back) return std::nullopt;
      return span(*back, b - 1, i + 1, is(b - 1, "since") ? 2 : 0);
    }
    return std::nullopt;
  }

  // "since the 3rd", "on the twenty first", "3rd of March", "March 3", "since June".
  std::optional<TimeSpan> date_at(size_t i) const {
    const std::string_view w = word(i);
    std::string_view prev = i > 0 ? word(i - 1) : std::string_view();
    // "since like April", "since about June".
    if ((prev == "like" || prev == "about" || prev == "around") && i > 1 &&
        word(i - 2) == "since") {
      prev = "since";
    }
    int month = index_in(kMonths, w) + 1;
    if (month > 0) {
      if (auto n = parse_number(t_, i + 1); n && n->value >= 1 && n->value <= 31) {
        if (auto d = back_to_date(static_cast<int>(n->value), month)) {
          return span(*d, i, i + 1 + static_cast<size_t>(n->len));
        }
      }
      if (prev == "since" || prev == "in" || prev == "early" || prev == "late" || prev == "mid" ||
          prev == "of") {
        if (auto d = back_to_date(prev == "in" ? 15 : 1, month)) return span(*d, i - 1, i + 1);
      }
      return std::nullopt;
    }
    auto n = parse_number(t_, i);
    if (!n || n->value < 1 || n->value > 31 || n->value != static_cast<int>(n->value)) {
      return std::nullopt;
    }
    size_t e = i + static_cast<size_t>(n->len);
    size_t m = is(e, "of") ? e + 1 : e;
    int after_month = index_in(kMonths, word(m)) + 1;
    if (after_month > 0) {
      if (auto d = back_to_date(static_cast<int>(n->value), after_month)) {
        return span(*d, prev == "the" ? i - 1 : i, m + 1);
      }
      return std::nullopt;
    }
    if (!n->ordinal) return std::nullopt;
    if (e < t_.size() && t_[e].kind == Token::Kind::word && index_in(kAfterOrdinal, word(e)) < 0) {
      return std::nullopt;
    }
    bool introduced = prev == "the" || prev == "since" || prev == "on";
    if (!introduced) return std::nullopt;
    if (auto d = back_to_date(static_cast<int>(n->value), 0)) {
      return span(*d, prev == "the" ? i - 1 : i, e);
    }
    return std::nullopt;
  }

  const std::vector<Token>& t_;
  const LocalDate& today_;
  const long today_days_;
};

}  // namespace

std::vector<TimeSpan> find_time_expressions(const std::vector<Token>& tokens,
                                            const LocalDate& today) {
  return Scanner(tokens, today).run();
}

const std::vector<std::string_view>& time_words() {
  static const std::vector<std::string_view> words = [] {
    std::vector<std::string_view> w(std::begin(kWeekdays), std::end(kWeekdays));
    w.insert(w.end(), std::begin(kMonths), std::end(kMonths));
    for (std::string_view x :
         {"yesterday", "today",   "tonight", "morning",   "afternoon", "evening",
          "night",     "weekend", "minute",  "minutes",   "hour",      "hours",
          "days",      "week",    "weeks",   "fortnight", "month",     "months",
          "year",      "years",   "since",   "couple",    "several",   "overnight",
          "previous",  "spring",  "summer",  "autumn",    "winter"}) {
      w.push_back(x);
    }
    return w;
  }();
  return words;
}

const TimeSpan* onset(const std::vector<TimeSpan>& spans) {
  const TimeSpan* best = nullptr;
  for (const auto& s : spans) {
    if (s.onset_cue >= 0 && (!best || s.onset_cue > best->onset_cue)) best = &s;
  }
  return best;
}

}  // namespace text
}  // namespace calfbot::dialog
