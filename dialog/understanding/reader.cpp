#include "dialog/understanding/reader.h"

#include <cstdint>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include <fasttext/fasttext.h>

#include "knowledge/loader.h"

namespace calfbot::dialog {

namespace {

bool is_punct(char c) {
  return c == '.' || c == ',' || c == '!' || c == '?' || c == ';' || c == ':' || c == '(' ||
         c == ')' || c == '"';
}

}  // namespace

std::string reader_line(std::string_view slot, std::string_view text) {
  std::string out = "__slot_";
  out += slot;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    out += ' ';
    out += word;
    word.clear();
  };
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      flush();
    } else if (is_punct(c)) {
      flush();
      word = c;
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

Reader::Reader(std::string_view model) {
  if (model.empty()) return;
  // fastText's file starts with its magic number and format version, which
  // loadModel(path) checks before it reads the rest with loadModel(stream).
  constexpr int32_t kMagic = 793712314, kVersion = 12;
  int32_t head[2] = {0, 0};
  if (model.size() < sizeof head) throw std::invalid_argument("the reader's model is too short");
  std::memcpy(head, model.data(), sizeof head);
  if (head[0] != kMagic || head[1] != kVersion) {
    throw std::invalid_argument("the reader's model is not a fastText model of format 12");
  }
  model_ = std::make_unique<fasttext::FastText>();
  std::istringstream in{std::string(model.substr(sizeof head))};
  try {
    model_->loadModel(in);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("the reader's model does not load: ") + e.what());
  }
  version_ = knowledge::sha256_hex(model);
}

Reader::~Reader() = default;

std::optional<Reader::Guess> Reader::reply(std::string_view slot, std::string_view text) const {
  if (!model_) return std::nullopt;
  std::istringstream in(reader_line(slot, text) + "\n");
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  model_->predictLine(in, predictions, 1, 0.0);
  if (predictions.empty()) return std::nullopt;
  const std::string& label = predictions.front().second;
  Guess g;
  g.p = predictions.front().first;
  if (label == "__label__yes") g.value = Value::yes;
  else if (label == "__label__no") g.value = Value::no;
  else if (label == "__label__unsure") g.value = Value::unsure;
  else return std::nullopt;
  return g;
}

}  // namespace calfbot::dialog
