#include "adapters/cli/app.h"

#include <ostream>

#include "knowledge/loader.h"

namespace calfbot::cli {

dialog::EngineSettings engine_settings(const config::Config& c) {
  dialog::EngineSettings s;
  s.emergency_number = c.emergency_number();
  s.max_questions = c.dialog.max_questions;
  s.min_questions = c.dialog.min_questions;
  s.stop_confidence = c.dialog.stop_confidence;
  s.max_turns = c.dialog.max_turns;
  s.max_patient_text_bytes = c.dialog.max_patient_text_bytes;
  return s;
}

std::unique_ptr<App> make_app(const std::string& config_path, std::ostream& err) {
  auto cfg = config::load_config(config_path, config::process_environment());
  if (!cfg.ok()) {
    for (const auto& e : cfg.errors) err << "config error: " << e << "\n";
    return nullptr;
  }
  auto app = std::make_unique<App>();
  app->config = cfg.config;
  const auto& kc = app->config.knowledge;
  auto loaded = kc.data_dir.empty() ? knowledge::load_embedded(kc.db_path)
                                    : knowledge::load_directory(kc.data_dir, kc.db_path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) err << "knowledge error: " << e.what() << "\n";
    return nullptr;
  }
  app->kb = loaded.knowledge;
  app->engine = std::make_unique<dialog::Engine>(app->kb, engine_settings(app->config));
  return app;
}

}  // namespace calfbot::cli
