// Trains the statistical reader (dialog/understanding/reader.h) at build time
// from the development half of the evidence written blind: every answer a
// vignette gives to a yes/no question, labelled by the vignette's facts, and
// every labelled utterance answering one. Deterministic: the examples in
// file and key order, one training thread, a fixed seed.
//
// usage: train_reader QUESTIONS_JSON EVIDENCE_DEV_DIR OUT_MODEL
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fasttext/fasttext.h>
#include <nlohmann/json.hpp>

#include "dialog/understanding/reader.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<fs::path> files(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> out;
  if (fs::is_directory(dir)) {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == extension) out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool label_ok(const std::string& v) { return v == "yes" || v == "no" || v == "unsure"; }

// slot -> the finding of each yes/no question.
std::map<std::string, std::string> yes_no_findings(const fs::path& questions) {
  std::map<std::string, std::string> out;
  for (const auto& q : json::parse(std::ifstream(questions))) {
    if (q.value("type", "") == "yes_no") out[q.at("slot")] = q.at("finding");
  }
  return out;
}

// "__label__yes __slot_swelling it is a bit puffy" lines.
std::vector<std::string> examples(const std::map<std::string, std::string>& yes_no,
                                  const fs::path& dev) {
  std::vector<std::string> out;
  auto add = [&](const std::string& label, const std::string& slot, const std::string& text) {
    out.push_back("__label__" + label + " " + calfbot::dialog::reader_line(slot, text));
  };
  for (const auto& path : files(dev / "vignettes", ".json")) {
    const json v = json::parse(std::ifstream(path));
    const json facts = v.value("facts", json::object());
    const json answers = v.value("answers", json::object());
    for (const auto& [slot, text] : answers.items()) {
      auto q = yes_no.find(slot);
      if (q == yes_no.end() || !text.is_string()) continue;
      const std::string label = facts.value(q->second, std::string("no"));
      if (label_ok(label)) add(label, slot, text.get<std::string>());
    }
  }
  for (const auto& path : files(dev / "utterances", ".jsonl")) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const json u = json::parse(line);
      if (u.value("language", "en") != "en") continue;
      auto q = yes_no.find(u.value("slot", ""));
      if (q == yes_no.end()) continue;
      const json findings = u.value("findings", json::object());
      auto f = findings.find(q->second);
      if (f == findings.end() || !f->is_string() || !label_ok(f->get<std::string>())) continue;
      add(f->get<std::string>(), q->first, u.value("text", ""));
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: train_reader QUESTIONS_JSON EVIDENCE_DEV_DIR OUT_MODEL\n";
    return 2;
  }
  try {
    const std::vector<std::string> lines = examples(yes_no_findings(argv[1]), argv[2]);
    if (lines.empty()) {
      std::cerr << "train_reader: no examples in " << argv[2] << "\n";
      return 1;
    }
    const std::string input = std::string(argv[3]) + ".train.txt";
    {
      std::ofstream out(input, std::ios::binary);
      for (const auto& l : lines) out << l << "\n";
    }
    fasttext::Args args;
    args.input = input;
    args.model = fasttext::model_name::sup;
    args.loss = fasttext::loss_name::softmax;
    args.dim = 16;
    args.epoch = 25;
    args.lr = 0.5;
    args.wordNgrams = 2;
    args.minn = 3;
    args.maxn = 5;
    args.bucket = 20000;
    args.minCount = 1;
    args.thread = 1;
    args.seed = 20261204;
    args.verbose = 0;
    fasttext::FastText ft;
    ft.train(args);
    ft.saveModel(argv[3]);
    std::cout << "reader: " << lines.size() << " examples\n";
  } catch (const std::exception& e) {
    std::cerr << "train_reader: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
