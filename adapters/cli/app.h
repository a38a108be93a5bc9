// What every subcommand needs: the validated config, the knowledge and an engine.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "config/config.h"
#include "dialog/engine.h"
#include "knowledge/knowledge.h"

namespace calfbot::cli {

struct App {
  config::Config config;
  std::shared_ptr<const knowledge::Knowledge> kb;
  std::unique_ptr<dialog::Engine> engine;
};

// Loads config (file, then CALFBOT_ environment) and knowledge. On failure
// writes every error to err, one a line, and returns nullptr.
std::unique_ptr<App> make_app(const std::string& config_path, std::ostream& err);

dialog::EngineSettings engine_settings(const config::Config& c);

}  // namespace calfbot::cli
