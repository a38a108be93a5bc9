// Internal to dialog/understanding: time expressions in a patient's message
// ("since Tuesday", "three days ago", "for a couple of weeks", "last night",
// "since the 3rd", "an hour ago") turned into how many days ago they point.
//
// Pure: "today" comes in as an argument; no clock is read.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "dialog/understanding/text_normal.h"
#include "dialog/understanding/understanding.h"

namespace calfbot::dialog::text {

struct TimeSpan {
  double days = 0;   // how long ago (fractions for hours: "an hour ago" = 1/24)
  size_t begin = 0;  // tokens [begin, end) that said it
  size_t end = 0;
  // How surely it dates the onset: 2 after "since", "started", "for", ...;
  // 1 with "ago" after it; 0 otherwise; negative: it dates something else.
  int onset_cue = 0;
};

// Every expression naming a past moment or a span reaching back from now, in
// message order. Spans of activity ("cramps last a few minutes", "every 2
// days", "54 years old", "20 weeks pregnant") are not time expressions.
std::vector<TimeSpan> find_time_expressions(const std::vector<Token>& tokens,
                                            const LocalDate& today);

// The expression that most likely says when the problem started: the first
// with the strongest onset cue, never one with a negative cue; nullptr when
// there is none.
const TimeSpan* onset(const std::vector<TimeSpan>& spans);

// The words time expressions are made of, for spelling correction.
const std::vector<std::string_view>& time_words();

// Days since 1970-01-01 of a proleptic Gregorian date.
long days_from_civil(int year, int month, int day);

}  // namespace calfbot::dialog::text
