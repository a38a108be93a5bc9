// Internal to dialog/understanding: the word tables of the tokenizer
// (misspellings and shorthand rewritten, irregular stems, skippable words).
#pragma once

#include <string_view>
#include <utility>

namespace calfbot::dialog::text::tables {

using Pair = std::pair<std::string_view, std::string_view>;

// Misspellings, texting shorthand and contractions written without an
// apostrophe, each mapped to its normal form (which may be several words).
// Abbreviations that are also ordinary words ("sat", "sun") are left out.
// clang-format off
inline constexpr Pair kRewrites[] = {
    {"dont", "do not"}, {"didnt", "did not"}, {"doesnt", "does not"}, {"cant", "can not"},
    {"cannot", "can not"}, {"wont", "will not"}, {"isnt", "is not"}, {"wasnt", "was not"},
    {"arent", "are not"}, {"werent", "were not"}, {"havent", "have not"}, {"hasnt", "has not"},
    {"hadnt", "had not"}, {"couldnt", "could not"}, {"wouldnt", "would not"},
    {"dosent", "does not"}, {"doesent", "does not"}, {"dosnt", "does not"},
    {"doesn", "does not"}, {"havnt", "have not"}, {"hasent", "has not"},
    {"cudnt", "could not"}, {"wudnt", "would not"}, {"isent", "is not"}, {"didint", "did not"},
    {"hart", "heart"}, {"thier", "their"}, {"reely", "really"}, {"realy", "really"},
    {"rly", "really"}, {"numm", "numb"}, {"rite", "right"}, {"wile", "while"},
    {"moring", "morning"}, {"wen", "when"}, {"kne", "knee"},
    {"shouldnt", "should not"}, {"aint", "is not"}, {"im", "i am"}, {"ive", "i have"},
    {"its", "it is"}, {"thats", "that is"}, {"theres", "there is"}, {"whats", "what is"},
    {"youre", "you are"}, {"u", "you"}, {"ur", "your"}, {"pls", "please"}, {"plz", "please"},
    {"cos", "because"}, {"coz", "because"}, {"cuz", "because"}, {"abt", "about"}, {"b4", "before"},
    {"2day", "today"}, {"2nite", "tonight"}, {"alot", "a lot"}, {"abit", "a bit"},
    {"kinda", "kind of"}, {"sorta", "sort of"}, {"outta", "out of"}, {"w/o", "without"},
    // Body.
    {"calff", "calf"}, {"claf", "calf"}, {"cafl", "calf"}, {"clafs", "calves"}, {"calfs", "calves"},
    {"calv", "calf"}, {"kne", "knee"}, {"knie", "knee"}, {"knea", "knee"}, {"kness", "knees"},
    {"knes", "knees"}, {"achillies", "achilles"}, {"achilis", "achilles"}, {"achillis", "achilles"},
    {"achiles", "achilles"}, {"achilies", "achilles"}, {"akilles", "achilles"},
    {"achillees", "achilles"}, {"achille", "achilles"}, {"achillus", "achilles"},
    {"tendin", "tendon"}, {"tenden", "tendon"}, {"tendom", "tendon"}, {"tendonn", "tendon"},
    {"tendan", "tendon"}, {"tedon", "tendon"}, {"tendonitis", "tendinitis"},
    {"tendonits", "tendinitis"}, {"chesst", "chest"}, {"cheast", "chest"}, {"chset", "chest"},
    {"shinn", "shin"},
    // Symptoms.
    {"swolen", "swollen"}, {"swolled", "swollen"}, {"swallen", "swollen"}, {"sollen", "swollen"},
    {"swoolen", "swollen"}, {"swollon", "swollen"}, {"sweling", "swelling"},
    {"sweeling", "swelling"}, {"swelin", "swelling"}, {"swellin", "swelling"},
    {"brethless", "breathless"}, {"breathles", "breathless"}, {"breathlees", "breathless"},
    {"brethles", "breathless"}, {"breth", "breath"}, {"brething", "breathing"},
    {"breating", "breathing"}, {"breate", "breathe"}, {"pian", "pain"}, {"painn", "pain"},
    {"painfull", "painful"}, {"hert", "hurt"}, {"hurtin", "hurting"}, {"coughin", "coughing"},
    {"caughing", "coughing"}, {"coffing", "coughing"}, {"cofing", "coughing"}, {"caugh", "cough"},
    {"coff", "cough"}, {"blod", "blood"}, {"feaver", "fever"}, {"fevor", "fever"},
    {"fevar", "fever"}, {"dizy", "dizzy"}, {"brused", "bruised"}, {"bruized", "bruised"},
    {"bruse", "bruise"}, {"numbnes", "numbness"}, {"tingley", "tingly"}, {"tinglin", "tingling"},
    {"kramp", "cramp"},
    // Risks and events.
    {"pregant", "pregnant"}, {"pregnent", "pregnant"}, {"preggo", "pregnant"},
    {"preggers", "pregnant"}, {"surgury", "surgery"}, {"sugery", "surgery"}, {"surgey", "surgery"},
    {"opperation", "operation"}, {"operaton", "operation"}, {"diabeties", "diabetes"},
    {"diabetis", "diabetes"}, {"diebetes", "diabetes"}, {"cigs", "cigarettes"},
    {"ciggies", "cigarettes"}, {"flght", "flight"}, {"fligth", "flight"}, {"filght", "flight"},
    {"journy", "journey"}, {"jouney", "journey"}, {"excercise", "exercise"},
    {"exersise", "exercise"}, {"excersize", "exercise"}, {"excersise", "exercise"},
    {"runing", "running"},
    // Time.
    {"nite", "night"}, {"nites", "nights"}, {"tonite", "tonight"}, {"yestarday", "yesterday"},
    {"yesturday", "yesterday"}, {"yesteday", "yesterday"}, {"yesterdy", "yesterday"},
    {"ystrdy", "yesterday"}, {"yday", "yesterday"}, {"yest", "yesterday"}, {"wk", "week"},
    {"wks", "weeks"}, {"hr", "hour"}, {"hrs", "hours"}, {"min", "minute"}, {"mins", "minutes"},
    {"mth", "month"}, {"mths", "months"}, {"mnth", "month"}, {"mnths", "months"}, {"yr", "year"},
    {"yrs", "years"}, {"mon", "monday"}, {"monady", "monday"}, {"tue", "tuesday"},
    {"tues", "tuesday"}, {"tuesdy", "tuesday"}, {"teusday", "tuesday"}, {"tuseday", "tuesday"},
    {"tusday", "tuesday"}, {"wed", "wednesday"}, {"weds", "wednesday"}, {"wensday", "wednesday"},
    {"wendsday", "wednesday"}, {"wednsday", "wednesday"}, {"thu", "thursday"}, {"thur", "thursday"},
    {"thurs", "thursday"}, {"thrusday", "thursday"}, {"thursay", "thursday"}, {"fri", "friday"},
    {"firday", "friday"}, {"satuday", "saturday"}, {"saterday", "saturday"}, {"sunady", "sunday"},
    {"fourty", "forty"}, {"nineth", "ninth"},
    // Sides.
    {"rigth", "right"}, {"rihgt", "right"}, {"rght", "right"}, {"riht", "right"}, {"lft", "left"},
    {"lfet", "left"}, {"letf", "left"}, {"leftt", "left"},
};
// clang-format on

// Irregular forms and stems the suffix rules would get wrong.
// clang-format off
inline constexpr Pair kIrregular[] = {
    {"swollen", "swell"}, {"calves", "calf"}, {"felt", "feel"},    {"fell", "fall"},
    {"fallen", "fall"},   {"broke", "break"}, {"broken", "break"}, {"woke", "wak"},
    {"woken", "wak"},     {"ran", "run"},     {"bled", "bleed"},   {"sat", "sit"},
    {"lying", "lie"},     {"feet", "foot"},   {"knees", "knee"},   {"sides", "sid"},
    {"does", "do"},       {"flew", "fly"},    {"flown", "fly"},    {"numbness", "numb"},
    {"thought", "think"}, {"went", "go"},     {"got", "get"},      {"gave", "giv"},
    {"him", "me"},        {"them", "me"},     {"us", "me"},
    {"himself", "myself"}, {"herself", "myself"}, {"themselves", "myself"},
    {"themself", "myself"}, {"yourself", "myself"},
    {"given", "giv"},     {"took", "tak"},    {"taken", "tak"},
    // Kept apart from words the suffix rules would merge them with
    // (lunging/lung, plane/plan, hope/hop, winded/wind, pounds/pound).
    {"lunge", "lunge"}, {"lunges", "lunge"}, {"lunged", "lunge"}, {"lunging", "lunge"},
    {"plane", "plane"}, {"planes", "plane"}, {"hope", "hope"}, {"hopes", "hope"},
    {"hoped", "hope"}, {"hoping", "hope"}, {"winded", "winded"}, {"tense", "tense"},
    {"pounds", "pounds"}, {"pulse", "pulse"}, {"pulses", "pulse"}, {"pitting", "pitting"},
};
// clang-format on

inline constexpr std::string_view kFillers[] = {
    "a",     "an",     "the",      "my",       "his",    "her",      "your",   "their",
    "our",   "really", "very",     "so",       "quite",  "slightly", "pretty", "extremely",
    "badly", "super",  "totally",  "bit",      "little", "some",     "any",    "just",
    "also",  "too",    "actually", "somewhat", "fairly", "rather",
    // Copulas, so that "heart has been racing" matches "heart racing".
    "is",    "are",    "am",       "was",      "were",   "be",       "been",   "being",
    "has",   "still",  "do",       "does",     "did"};

}  // namespace calfbot::dialog::text::tables
