// Helpers shared by the clinic tests: the real knowledge and engine, a
// scripted patient that plays a conversation to its end, and the folder the
// FHIR resources are written to for the independent validator
// (tests/bot/clinic/fhir/validate.mjs).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "dialog/engine.h"
#include "knowledge/inference.h"
#include "knowledge/loader.h"

namespace calfbot::clinic_test {

constexpr int64_t kNow = 1795600800;  // 2026-11-25T10:00:00Z

inline const dialog::Engine& engine() {
  static const std::unique_ptr<dialog::Engine> e = [] {
    auto r = knowledge::load_embedded();
    if (!r.ok()) throw std::runtime_error("knowledge did not load");
    return std::make_unique<dialog::Engine>(r.knowledge, dialog::EngineSettings{});
  }();
  return *e;
}

// Plays a conversation: the opening words, then each question answered from
// `answers` by slot (text typed, or "choice:<id>" pressed), else "no" for
// yes/no and multi choice, "5" for numbers, the first choice otherwise.
// Stops at the outcome, or after `max_steps` answers.
inline dialog::State play(const std::string& opening, const std::map<std::string, std::string>& answers,
                          int max_steps = 80) {
  const auto& e = engine();
  dialog::StepResult r = e.start(kNow);
  r = e.step(r.state, dialog::Input{dialog::Input::Kind::text, opening, kNow + 1, 0});
  for (int i = 0; i < max_steps && r.state.phase != dialog::State::Phase::done; ++i) {
    const dialog::QuestionMessage* q = nullptr;
    for (const auto& m : r.outputs) {
      if (const auto* asked = std::get_if<dialog::QuestionMessage>(&m)) q = asked;
    }
    if (!q) break;
    const std::string slot = q->slot;
    const std::string type(dialog::to_string(q->answer_type));
    dialog::Input in{dialog::Input::Kind::text, "", kNow + 2 + i, 0};
    auto it = answers.find(slot);
    if (it != answers.end()) {
      if (it->second.rfind("choice:", 0) == 0) {
        in.kind = dialog::Input::Kind::choice;
        in.value = it->second.substr(7);
      } else {
        in.value = it->second;
      }
    } else if (type == "number") {
      in.value = "5";
    } else if (type == "duration") {
      in.value = "2 days ago";
    } else if (type == "yes_no" || type == "multi_choice") {
      in.value = "no";
    } else {
      in.kind = dialog::Input::Kind::choice;
      in.value = q->choices->at(0).id;
    }
    r = e.step(r.state, in);
  }
  return r.state;
}

// A patient with a swollen calf after a long flight, who is not sure about
// some things and writes some words that must be escaped in HTML.
inline dialog::State dvt_patient() {
  return play("my left calf is swollen and sore since the long flight on Monday, no chest pain",
              {{"age", "58"},
               {"sex", "choice:female"},
               {"side", "choice:left"},
               {"onset", "choice:gradual"},
               {"tender_deep_calf", "not sure"},
               {"calf_bigger", "choice:unsure"},
               {"severity", "6"},
               {"vte_risks", "choice:travel"},
               {"pitting_oedema", "I don't know <b>really</b> & can't tell"}});
}

// Where FHIR resources go for the validator: $CALFBOT_FHIR_OUT, or nowhere.
inline void write_fhir(const std::string& name, const nlohmann::json& resource) {
  const char* dir = std::getenv("CALFBOT_FHIR_OUT");
  if (!dir || !*dir) return;
  std::filesystem::create_directories(dir);
  std::ofstream(std::filesystem::path(dir) / name) << resource.dump(2) << "\n";
}

}  // namespace calfbot::clinic_test
